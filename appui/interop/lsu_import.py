"""The periodic-report data LSU needs and appui does not manage, from a spreadsheet.

A collège's marks and attendance live in its school-life software; LSU wants them inside
every ``bilan-periodique``. This import reads them from that software's spreadsheet export,
for one period, with the guarantees of every import (preview, line and column named for each
problem, one transaction, nothing deleted):

- one row per student and subject: ``Discipline`` (code or label of a subject appui knows
  from STS-web), ``Enseignant`` (STS-web identifier or « NOM Prénom »; empty = the teacher
  of that subject in the student's division), ``Positionnement`` (1–4), ``Moyenne``,
  ``Non noté``, ``Appréciation``;
- on any of the student's rows (or on a row without discipline): ``Acquis et conseils``,
  ``Retards``, ``Absences justifiées``, ``Absences injustifiées`` (half-days),
  ``Heures manquées``, ``Commentaire vie scolaire``. Given on several rows, they must agree.

Students are matched by SIECLE identifier, then INE — never by name. An empty cell keeps what
appui holds; a subject absent from the file keeps its assessment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from appui.core.io.errors import ImportIssue
from appui.core.io.tabular import COMMON_COLUMNS, CellValue, ColumnSpec, Row, parse_bool
from appui.core.io.values import fold, parse_int
from appui.schools.models import Period, Staff, Student, Subject, Teaching

from .models import LsuAssessment, LsuReport
from .plan import CHANGED, NEW, Change, Entry, ImportRefused, Section, show
from .table_import import _TableImport

LSU_COLUMNS = (
    COMMON_COLUMNS["eleve_id"],
    COMMON_COLUMNS["ine"],
    COMMON_COLUMNS["last_name"],
    COMMON_COLUMNS["first_name"],
    COMMON_COLUMNS["division"],
    ColumnSpec("subject", "Discipline", ("Matière", "Code matière", "Code discipline")),
    ColumnSpec(
        "teacher",
        "Enseignant",
        ("Professeur", "Identifiant STS enseignant", "Enseignant (STS)", "Enseignants"),
    ),
    ColumnSpec("positioning", "Positionnement", ("Niveau de maîtrise", "Position")),
    ColumnSpec("average", "Moyenne", ("Moyenne élève", "Moyenne de l'élève")),
    ColumnSpec("not_graded", "Non noté", ("Élève non noté", "NN")),
    ColumnSpec("appreciation", "Appréciation", ("Appréciation disciplinaire",)),
    ColumnSpec(
        "advice",
        "Acquis et conseils",
        ("Acquis et conseils pour progresser", "Appréciation générale", "Synthèse"),
    ),
    ColumnSpec("late", "Retards", ("Nombre de retards", "Nb retards")),
    ColumnSpec(
        "justified",
        "Absences justifiées",
        ("Demi-journées d'absence justifiées", "Abs. justifiées", "Nb absences justifiées"),
    ),
    ColumnSpec(
        "unjustified",
        "Absences injustifiées",
        ("Demi-journées d'absence injustifiées", "Abs. injustifiées", "Nb absences injustifiées"),
    ),
    ColumnSpec("missed_hours", "Heures manquées", ("Heures de cours manquées",)),
    ColumnSpec("life_comment", "Commentaire vie scolaire", ("Vie scolaire",)),
)


def _count(value: CellValue) -> int | None:
    return parse_int(value, minimum=0, maximum=999)


# Per-student fields: model field → (column key, French name, parser of a count or maximum
# length of a text).
_REPORT_FIELDS: dict[str, tuple[str, str, int | Callable[[CellValue], int | None]]] = {
    "advice": ("advice", "Acquis et conseils", 1000),
    "late": ("late", "Retards", _count),
    "justified_absences": ("justified", "Absences justifiées", _count),
    "unjustified_absences": ("unjustified", "Absences injustifiées", _count),
    "missed_hours": ("missed_hours", "Heures manquées", _count),
    "school_life_comment": ("life_comment", "Commentaire vie scolaire", 600),
}
_ASSESSMENT_NAMES = {
    "staff": "Enseignant",
    "positioning": "Positionnement",
    "average": "Moyenne",
    "not_graded": "Non noté",
    "appreciation": "Appréciation",
}


def _positioning(value) -> int | None:
    return parse_int(value, minimum=1, maximum=4)


@dataclass
class _StudentData:
    student: Student
    first_line: int
    values: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    assessments: dict = field(default_factory=dict)


class LsuTableImport(_TableImport):
    """Periodic-report data for the LSU, one row per student and subject."""

    kind = "lsu"
    specs = LSU_COLUMNS

    def __init__(self, table, *, school, period_id=None, **kwargs) -> None:
        self.period = (
            Period.objects.filter(pk=period_id, year__school=school).select_related("year").first()
            if period_id
            else None
        )
        if self.period is None:
            raise ImportRefused("Choisissez la période des bilans. Rien n'a été importé.")
        super().__init__(table, school=school, **kwargs)
        if self.period.year_id != self.year.pk:
            raise ImportRefused(
                f"La période « {self.period.name} » n'est pas de l'année en cours. "
                "Rien n'a été importé."
            )
        self.plan.facts.insert(2, ("Période", self.period.name))

    # ------------------------------------------------------------------ reading
    def _analyse(self) -> None:
        m = self.mapping
        students = list(
            Student.objects.filter(school=self.school).select_related("division__level")
        )
        by_siecle = {s.siecle_id: s for s in students if s.siecle_id}
        by_ine = {s.ine: s for s in students if s.ine}
        subjects = list(Subject.objects.filter(school=self.school))
        self.subjects = {fold(s.code): s for s in subjects}
        for subject in subjects:
            self.subjects.setdefault(fold(subject.label), subject)
        staff = list(Staff.objects.filter(school=self.school))
        self.staff_by_sts = {s.sts_id: s for s in staff if s.sts_id}
        self.staff_by_name: dict[str, list[Staff]] = {}
        for person in staff:
            for name in (
                f"{person.last_name} {person.first_name}",
                f"{person.first_name} {person.last_name}",
            ):
                self.staff_by_name.setdefault(fold(name), []).append(person)
        # (division pk, subject pk) → teacher; a student with no division finds no one.
        self.teachers: dict[tuple[int | None, int | None], Staff] = {
            (t.division_id, t.subject_id): t.staff
            for t in Teaching.objects.filter(division__year=self.year).select_related("staff")
        }

        found: dict[int, _StudentData] = {}
        for row in self.table.rows:
            issues: list[ImportIssue] = []
            student = self._student(row, by_siecle, by_ine, issues)
            if student is None:
                self.plan.issues.extend(issues)
                continue
            data = found.setdefault(student.pk, _StudentData(student, row.line))
            for field_name, (key, _label, rule) in _REPORT_FIELDS.items():
                value: int | str | None
                if callable(rule):
                    value = m.clean(row, key, rule, issues)
                else:
                    text = m.text(row, key)
                    if text is not None:
                        text = text.strip()
                        if len(text) > rule:
                            issues.append(
                                m.issue(
                                    row,
                                    key,
                                    f"{len(text)} caractères ; LSU en accepte au plus {rule}.",
                                )
                            )
                            continue
                    value = text
                if value is None or value == "":
                    continue
                if field_name in data.values and data.values[field_name] != value:
                    issues.append(
                        m.issue(
                            row,
                            key,
                            f"« {show(value)} » ne concorde pas avec « "
                            f"{show(data.values[field_name])} » donné ligne "
                            f"{data.lines[field_name]} pour le même élève.",
                        )
                    )
                    continue
                data.values[field_name] = value
                data.lines.setdefault(field_name, row.line)
            self._assessment(row, data, issues)
            self.plan.issues.extend(issues)
        self.found = found
        self._plan_changes()

    def _student(self, row: Row, by_siecle, by_ine, issues) -> Student | None:
        m = self.mapping
        eleve_id = (m.text(row, "eleve_id") or "").strip()
        ine = (m.text(row, "ine") or "").strip().upper()
        if not eleve_id and not ine:
            issues.append(
                ImportIssue(
                    file=self.table.file_name,
                    line=row.line,
                    message="ni identifiant SIECLE ni INE : l'élève ne peut pas être reconnu "
                    "(jamais par son seul nom).",
                )
            )
            return None
        student = (by_siecle.get(eleve_id) if eleve_id else None) or (
            by_ine.get(ine) if ine else None
        )
        if student is None:
            key, value = ("eleve_id", eleve_id) if eleve_id else ("ine", ine)
            issues.append(m.issue(row, key, f"aucun élève de l'établissement n'a « {value} »."))
            return None
        return student

    def _assessment(self, row: Row, data: _StudentData, issues: list[ImportIssue]) -> None:
        m = self.mapping
        subject_text = (m.text(row, "subject") or "").strip()
        others = ("teacher", "positioning", "average", "not_graded", "appreciation")
        if not subject_text:
            if any(m.text(row, key) for key in others):
                issues.append(
                    m.issue(row, "subject", "la discipline manque pour cette appréciation.")
                )
            return
        subject = self.subjects.get(fold(subject_text))
        if subject is None:
            issues.append(
                m.issue(
                    row,
                    "subject",
                    f"discipline « {subject_text} » inconnue dans appui : importez STS-web ou "
                    "utilisez le code ou le libellé d'une discipline de l'établissement.",
                )
            )
            return
        if subject.pk in data.assessments:
            issues.append(
                m.issue(
                    row,
                    "subject",
                    f"{subject.label} figure déjà ligne {data.assessments[subject.pk]['line']} "
                    "pour cet élève.",
                )
            )
            return
        staff = self._teacher(row, data.student, subject, issues)
        positioning = m.clean(row, "positioning", _positioning, issues)
        not_graded = m.clean(row, "not_graded", parse_bool, issues)
        average = (m.text(row, "average") or "").strip()
        if len(average) > 8:
            issues.append(m.issue(row, "average", "une moyenne a au plus 8 caractères."))
        appreciation = (m.text(row, "appreciation") or "").strip()
        if len(appreciation) > 600:
            issues.append(
                m.issue(
                    row,
                    "appreciation",
                    f"{len(appreciation)} caractères ; LSU en accepte au plus 600.",
                )
            )
        if staff is None or any(issue.is_error for issue in issues):  # this row's issues
            return
        data.assessments[subject.pk] = {
            "line": row.line,
            "subject": subject,
            "staff": staff,
            "positioning": positioning,
            "average": average or None,
            "not_graded": not_graded,
            "appreciation": appreciation or None,
        }

    def _teacher(self, row: Row, student: Student, subject: Subject, issues) -> Staff | None:
        m = self.mapping
        text = (m.text(row, "teacher") or "").strip()
        if not text:
            staff = self.teachers.get((student.division_id, subject.pk))
            if staff is None:
                issues.append(
                    m.issue(
                        row,
                        "teacher",
                        f"aucun enseignant de {subject.label} en "
                        f"{student.division.code if student.division else '—'} dans appui : "
                        "indiquez-le (identifiant STS-web ou « NOM Prénom »).",
                    )
                )
            return staff
        staff = self.staff_by_sts.get(text)
        if staff is None:
            candidates = self.staff_by_name.get(fold(text), [])
            if len(candidates) == 1:
                staff = candidates[0]
            elif candidates:
                issues.append(
                    m.issue(row, "teacher", f"plusieurs personnels s'appellent « {text} ».")
                )
                return None
        if staff is None:
            issues.append(m.issue(row, "teacher", f"enseignant « {text} » inconnu dans appui."))
        return staff

    # ------------------------------------------------------------------ planning
    def _plan_changes(self) -> None:
        reports_section = self.plan.section("reports", "Bilans périodiques")
        assessments_section = self.plan.section("assessments", "Acquis disciplinaires")
        existing = {
            report.student_id: report
            for report in LsuReport.objects.filter(
                period=self.period, student_id__in=list(self.found)
            ).prefetch_related("assessments")
        }
        self.new_reports: list[LsuReport] = []
        self.changed_reports: list[LsuReport] = []
        self.new_assessments: list[tuple[LsuReport, LsuAssessment]] = []
        self.changed_assessments: list[LsuAssessment] = []
        for data in sorted(
            self.found.values(),
            key=lambda d: (d.student.division.code if d.student.division else "", d.first_line),
        ):
            student = data.student
            context = student.division.code if student.division else ""
            report, current = self._plan_report(
                reports_section, data, existing.get(student.pk), context
            )
            for subject_pk, wanted in data.assessments.items():
                self._plan_assessment(
                    assessments_section, report, current.get(subject_pk), wanted, context
                )

    def _plan_report(
        self, section: Section, data: _StudentData, report: LsuReport | None, context: str
    ) -> tuple[LsuReport, dict]:
        """A student's report, new or with its changes; its stored assessments by subject."""
        student = data.student
        if report is None:
            report = LsuReport(student=student, period=self.period, **data.values)
            self.new_reports.append(report)
            section.add(Entry(NEW, student.full_name, context, line=data.first_line))
            return report, {}
        changes = []
        for field_name, value in data.values.items():
            old = getattr(report, field_name)
            if old != value:
                changes.append(Change(_REPORT_FIELDS[field_name][1], show(old), show(value)))
                setattr(report, field_name, value)
        if changes:
            self.changed_reports.append(report)
            section.add(Entry(CHANGED, student.full_name, context, changes, line=data.first_line))
        else:
            section.unchanged()
        return report, {a.subject_id: a for a in report.assessments.all()}

    def _plan_assessment(
        self,
        section: Section,
        report: LsuReport,
        assessment: LsuAssessment | None,
        wanted: dict,
        context: str,
    ) -> None:
        """One subject assessment of a report: new, changed (empty cells keep) or unchanged."""
        label = f"{report.student.full_name} — {wanted['subject'].label}"
        if assessment is None:
            assessment = LsuAssessment(
                subject=wanted["subject"],
                staff=wanted["staff"],
                positioning=wanted["positioning"],
                average=wanted["average"] or "",
                not_graded=bool(wanted["not_graded"]),
                appreciation=wanted["appreciation"] or "",
            )
            self.new_assessments.append((report, assessment))
            section.add(Entry(NEW, label, context, line=wanted["line"]))
            return
        changes = []
        for name in ("staff", "positioning", "average", "not_graded", "appreciation"):
            value = wanted[name]
            if value is None:
                continue  # an empty cell keeps what appui holds
            old = getattr(assessment, name)
            if old != value:
                shown = _staff_name if name == "staff" else show
                changes.append(Change(_ASSESSMENT_NAMES[name], shown(old), shown(value)))
                setattr(assessment, name, value)
        if changes:
            self.changed_assessments.append(assessment)
            section.add(Entry(CHANGED, label, context, changes, line=wanted["line"]))
        else:
            section.unchanged()

    # ------------------------------------------------------------------ writing
    def write(self, *, user=None):
        LsuReport.objects.bulk_create(self.new_reports, batch_size=500)
        if self.changed_reports:
            now = timezone.now()
            for report in self.changed_reports:
                report.updated_at = now
            LsuReport.objects.bulk_update(
                self.changed_reports, [*_REPORT_FIELDS, "updated_at"], batch_size=500
            )
        for report, assessment in self.new_assessments:
            assessment.report = report
        LsuAssessment.objects.bulk_create([a for _r, a in self.new_assessments], batch_size=500)
        if self.changed_assessments:
            LsuAssessment.objects.bulk_update(
                self.changed_assessments, list(_ASSESSMENT_NAMES), batch_size=500
            )
        return self.school


def _staff_name(staff: Staff | None) -> str:
    return f"{staff.last_name} {staff.first_name}" if staff else "—"
