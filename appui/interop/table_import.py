"""Students and staff from a spreadsheet (CSV, XLSX, ODS), for schools without SIECLE/STS files.

Same steps and guarantees as the national imports: every row is read and checked first
(file, line, column and value named for each problem), the preview lists new, changed,
leaving and unchanged records, nothing is written while an error remains, and the write is
one transaction. A file exported by appui (the students or staff list) imports back
unchanged.

Students are matched by SIECLE identifier, then INE, then — only for a row that has neither
— last name, first name *and* birth date, never by name alone. Staff are matched by STS-web
identifier, then email, then name when exactly one record of appui has no STS identifier.

An empty cell never erases what appui holds. Records absent from the file stay as they are,
unless the user says the file lists everyone: they are then marked as left (never deleted).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from appui.audit import trail
from appui.core.identifiers import ine_is_valid
from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.tabular import (
    COMMON_COLUMNS,
    ColumnMapping,
    ColumnSpec,
    Row,
    Table,
    map_columns,
    parse_date,
    parse_sex,
)
from appui.core.io.values import ValueProblem, as_text, fold
from appui.schools.models import Division, School, Staff, Student, Subject
from appui.schools.selectors import current_year

from .plan import CHANGED, LEAVING, NEW, Change, Entry, Importer, ImportRefused, Plan, Section, show
from .siecle_import import CLEAN_EXCLUDE, FIELD_NAMES
from .structure import record_enrolments
from .sts_import import StaffPlanner

STUDENT_COLUMNS = (
    COMMON_COLUMNS["eleve_id"],
    COMMON_COLUMNS["ine"],
    replace(COMMON_COLUMNS["last_name"], required=True),
    replace(COMMON_COLUMNS["first_name"], required=True),
    COMMON_COLUMNS["birth_date"],
    COMMON_COLUMNS["sex"],
    COMMON_COLUMNS["division"],
    ColumnSpec("level", "Niveau", ("Niveau de la classe", "Niveau scolaire")),
    ColumnSpec(
        "entry_date", "Date d'entrée", ("Entrée", "Date entrée", "Entré(e) le", "DATE_ENTREE")
    ),
    ColumnSpec("exit_date", "Date de sortie", ("Sortie", "Sorti(e) le", "Sorti le", "DATE_SORTIE")),
)
STAFF_COLUMNS = (
    ColumnSpec("sts_id", "Identifiant STS", ("ID STS", "Identifiant STS-web", "Numéro STS")),
    ColumnSpec("civility", "Civilité", ("Civ.", "Titre")),
    replace(COMMON_COLUMNS["last_name"], required=True),
    replace(COMMON_COLUMNS["first_name"], required=True),
    ColumnSpec("function", "Fonction", ("Rôle", "Poste")),
    ColumnSpec("grade", "Grade", ()),
    ColumnSpec(
        "subjects", "Disciplines", ("Matières", "Discipline", "Matière", "Disciplines enseignées")
    ),
    COMMON_COLUMNS["email"],
    ColumnSpec("exit_date", "Date de sortie", ("Sortie", "Sorti(e) le", "Sorti le")),
)

_FUNCTION_WORDS = {
    Staff.Function.TEACHER: (
        "enseignant",
        "enseignante",
        "professeur",
        "professeure",
        "prof",
        "ens",
        "documentaliste",
        "teacher",
    ),
    Staff.Function.CPE: ("cpe", "conseiller_principal_d_education", "edu"),
    Staff.Function.PSYEN: (
        "psy_en",
        "psyen",
        "psychologue",
        "psychologue_de_l_education_nationale",
    ),
    Staff.Function.DIRECTION: (
        "direction",
        "dir",
        "chef_d_etablissement",
        "proviseur",
        "proviseure",
        "principal",
        "principale",
        "adjoint",
        "adjointe",
        "ddfpt",
    ),
    Staff.Function.OTHER: ("autre", "other"),
}
FUNCTION_WORDS = {word: function for function, words in _FUNCTION_WORDS.items() for word in words}
CIVILITIES = {
    "m": "M.",
    "mr": "M.",
    "monsieur": "M.",
    "1": "M.",
    "mme": "Mme",
    "madame": "Mme",
    "mlle": "Mme",
    "mademoiselle": "Mme",
    "2": "Mme",
    "3": "Mme",
}


def parse_function(value) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    function = FUNCTION_WORDS.get(fold(text))
    if function is None:
        raise ValueProblem(
            f"« {text} » n'est pas une fonction reconnue (enseignant, CPE, Psy-EN, direction, "
            "autre)."
        )
    return function


def parse_civility(value) -> str | None:
    text = as_text(value)
    if text is None:
        return None
    civility = CIVILITIES.get(fold(text))
    if civility is None:
        raise ValueProblem(f"« {text} » n'est pas une civilité reconnue (M. ou Mme).")
    return civility


def _text(value) -> str | None:
    return as_text(value)


class _TableImport(Importer):
    """What both spreadsheet imports share: the mapping, the issues, the school's year."""

    kind = ""
    specs: tuple[ColumnSpec, ...] = ()
    school: School

    def __init__(
        self,
        table: Table,
        *,
        school: School,
        absent_left: bool = False,
        today: date | None = None,
    ) -> None:
        self.table = table
        self.school = school
        self.absent_left = absent_left
        self.today = today or timezone.localdate()
        self.plan = Plan(self.kind, table.file_name)
        year = current_year(school)
        if year is None:
            raise ImportRefused(
                f"{school.name} n'a pas encore d'année scolaire dans appui : créez-la avant "
                "d'importer. Rien n'a été importé."
            )
        self.year = year
        self.mapping: ColumnMapping = map_columns(table, self.specs)
        self.plan.issues.extend(table.issues)
        self.plan.issues.extend(self.mapping.issues)
        found = [
            f"{header.text} ({header.letter})"
            for key, header in self.mapping.columns.items()
            if key in {spec.key for spec in self.specs}
        ]
        self.plan.facts.append(("Établissement", f"{school.name} ({school.uai})"))
        self.plan.facts.append(("Année scolaire", self.year.label))
        self.plan.facts.append(("Colonnes lues", ", ".join(found) or "aucune"))
        ignored = [f"{h.text} ({h.letter})" for h in self.mapping.unmapped()]
        if ignored:
            self.plan.facts.append(("Colonnes ignorées", ", ".join(ignored)))
        self.plan.facts.append(("Lignes", str(len(table.rows))))
        if not self.mapping.has_errors:
            self._analyse()

    def _analyse(self) -> None:
        raise NotImplementedError

    def _error(self, row: Row, key: str, message: str) -> None:
        self.plan.issues.append(self.mapping.issue(row, key, message))

    def _row_issue(self, row: Row, message: str, severity=Severity.ERROR) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.table.file_name, line=row.line, message=message, severity=severity
            )
        )


class StudentTableImport(_TableImport):
    """Students from a spreadsheet: one row per student."""

    kind = "students"
    specs = STUDENT_COLUMNS

    def _analyse(self) -> None:
        section = self.plan.section("students", "Élèves")
        students = list(Student.objects.filter(school=self.school))
        self._load(students)
        for row in self.table.rows:
            self._plan_row(section, row)
        divisions_section = self.plan.section("divisions", "Divisions")
        for division in self.new_divisions:
            divisions_section.add(Entry(NEW, division.code, division.level.name))
        divisions_section.unchanged(len(self.divisions) - len(self.new_divisions))
        if self.absent_left:
            self._plan_leaving(section, students)
        self._check_unique(students)

    def _load(self, students: list[Student]) -> None:
        """Index the school's students, divisions and levels once for every row."""
        self.by_siecle = {s.siecle_id: s for s in students if s.siecle_id}
        self.by_ine = {s.ine: s for s in students if s.ine}
        self.by_identity: dict[tuple, list[Student]] = defaultdict(list)
        for student in students:
            self.by_identity[
                _identity(student.last_name, student.first_name, student.birth_date)
            ].append(student)
        self.division_codes = dict(
            Division.objects.filter(year__school=self.school).values_list("pk", "code")
        )
        self.divisions = {
            d.code: d for d in Division.objects.filter(year=self.year).select_related("level")
        }
        self.folded_divisions = {fold(code): d for code, d in self.divisions.items()}
        self.levels = {}
        for level in self.year.levels.all():
            self.levels[fold(level.short_name)] = level
            self.levels.setdefault(fold(level.name), level)
        self.new_divisions: list[Division] = []
        self.new_students: list[Student] = []
        self.changed_students: list[Student] = []
        self.changed_fields: set[str] = set()
        # Student pk → the line that matched it; (key, value) of new students → their line.
        self.claimed: dict[int, int] = {}
        self.new_keys: dict[tuple[str, str], int] = {}

    def _read(self, row: Row) -> dict | None:
        """The row's cleaned values (the student's fields), or None when it has an error."""
        issues: list[ImportIssue] = []
        m = self.mapping
        eleve_id = m.text(row, "eleve_id") or ""
        ine = (m.text(row, "ine") or "").upper()
        if ine and not ine_is_valid(ine):
            issues.append(m.issue(row, "ine", "un INE a 11 caractères, chiffres et lettres."))
            ine = ""
        sex = m.clean(row, "sex", parse_sex, issues)
        wanted: dict[str, object] = {
            "last_name": m.clean(row, "last_name", _text, issues, required=True),
            "first_name": m.clean(row, "first_name", _text, issues, required=True),
            "birth_date": m.clean(row, "birth_date", parse_date, issues),
            "sex": sex.value if sex else None,
            "ine": ine or None,
            "siecle_id": eleve_id or None,
            "division": self._division(row, issues),
            "entry_date": m.clean(row, "entry_date", parse_date, issues),
            "exit_date": m.clean(row, "exit_date", parse_date, issues),
        }
        self.plan.issues.extend(issues)
        if any(issue.is_error for issue in issues):
            return None
        return wanted

    def _match(self, wanted: dict) -> tuple[Student | None, str]:
        """The stored student of a row: SIECLE id, then INE, then (with neither) identity."""
        eleve_id, ine = wanted["siecle_id"], wanted["ine"]
        target = self.by_siecle.get(eleve_id) if eleve_id else None
        if target is None and ine:
            target = self.by_ine.get(ine)
        if target is None and not eleve_id and not ine and wanted["birth_date"] is not None:
            key = _identity(wanted["last_name"], wanted["first_name"], wanted["birth_date"])
            candidates = [s for s in self.by_identity.get(key, []) if s.pk not in self.claimed]
            if len(candidates) == 1:
                return candidates[0], "rapproché par nom, prénom et date de naissance"
        return target, ""

    def _plan_row(self, section: Section, row: Row) -> None:
        wanted = self._read(row)
        if wanted is None:
            return
        target, how = self._match(wanted)
        if target is not None and target.pk in self.claimed:
            self._row_issue(
                row,
                f"{target.full_name} figure déjà ligne {self.claimed[target.pk]} : une seule "
                "ligne par élève.",
            )
            return
        division = wanted["division"]
        context = division.code if division else ""
        if target is None:
            self._plan_new(section, row, wanted, context)
            return
        self.claimed[target.pk] = row.line
        self._update(section, row, target, wanted, context or self._code(target), how)

    def _plan_new(self, section: Section, row: Row, wanted: dict, context: str) -> None:
        keys = [(key, wanted[key]) for key in ("ine", "siecle_id") if wanted[key]]
        duplicate = next((self.new_keys[k] for k in keys if k in self.new_keys), None)
        if duplicate is not None:
            self._row_issue(
                row, f"cet élève figure déjà ligne {duplicate} : une seule ligne par élève."
            )
            return
        if wanted["division"] is None:
            self._error(
                row, "division", "la classe d'un nouvel élève est obligatoire (colonne « Classe »)."
            )
            return
        values = {k: v for k, v in wanted.items() if v is not None}
        student = Student(school=self.school, **values)
        student.refresh_search_text()
        if self._clean(row, student):
            self.new_students.append(student)
            for key in keys:
                self.new_keys[key] = row.line
            exit_date = wanted["exit_date"]
            note = f"sorti le {show(exit_date)}" if exit_date else ""
            section.add(Entry(NEW, student.full_name, context, note=note, line=row.line))

    def _plan_leaving(self, section: Section, students: list[Student]) -> None:
        """The file lists everyone: a present student absent from it is marked as left."""
        for student in students:
            if student.pk in self.claimed or student.exit_date is not None:
                continue
            student.exit_date = self.today
            self.changed_fields.add("exit_date")
            self.changed_students.append(student)
            section.add(
                Entry(
                    LEAVING,
                    student.full_name,
                    self._code(student),
                    [Change("Date de sortie", "—", show(self.today))],
                    "absent du fichier : marqué sorti",
                )
            )

    def _code(self, student: Student) -> str:
        division_id = student.division_id
        return self.division_codes.get(division_id, "") if division_id is not None else ""

    def _division(self, row: Row, issues: list[ImportIssue]) -> Division | None:
        code = self.mapping.text(row, "division")
        if code is None:
            return None
        division = self.divisions.get(code) or self.folded_divisions.get(fold(code))
        if division is not None:
            return division
        level_text = self.mapping.text(row, "level")
        level = self.levels.get(fold(level_text)) if level_text else None
        if level is None:
            known = ", ".join(sorted(self.divisions)) or "aucune"
            message = (
                f"la classe « {code} » n'existe pas dans appui (classes connues : {known})."
                if not level_text
                else f"le niveau « {level_text} » n'existe pas dans appui : la classe « {code} » "
                "ne peut pas être créée."
            )
            if not level_text:
                message += " Pour la créer, ajoutez une colonne « Niveau »."
            issues.append(self.mapping.issue(row, "level" if level_text else "division", message))
            return None
        division = Division(year=self.year, level=level, code=code[:30])
        self.divisions[code] = division
        self.folded_divisions[fold(code)] = division
        self.new_divisions.append(division)
        return division

    def _update(self, section, row: Row, student: Student, wanted: dict, context: str, how: str):
        changes = []
        for name, value in wanted.items():
            if value is None:
                continue  # an empty cell never erases what appui holds
            if name == "division":
                if value.pk is not None and value.pk == student.division_id:
                    continue
                changes.append((name, Change("Division", show(self._code(student)), value.code)))
                continue
            old = getattr(student, name)
            if old != value:
                changes.append((name, Change(FIELD_NAMES[name], show(old), show(value))))
        if not changes:
            self.plan.section("students", "Élèves").unchanged()
            return
        was_present = student.exit_date is None
        names = {name for name, _ in changes}
        for name in names:
            setattr(student, name, wanted[name])
        if names & {"last_name", "first_name"}:
            student.refresh_search_text()
            names.add("search_text")
        if not self._clean(row, student):
            return
        self.changed_fields |= names
        self.changed_students.append(student)
        status = LEAVING if "exit_date" in names and was_present else CHANGED
        section.add(
            Entry(status, student.full_name, context, [c for _, c in changes], how, row.line)
        )

    def _clean(self, row: Row, student: Student) -> bool:
        try:
            student.clean_fields(exclude=CLEAN_EXCLUDE)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self._row_issue(row, f"{FIELD_NAMES.get(name, name)} : {' '.join(messages)}")
            return False
        return True

    def _check_unique(self, students: list[Student]) -> None:
        """INE and SIECLE id stay unique in the school once the plan is written."""
        for key, label in (("ine", "INE"), ("siecle_id", "identifiant SIECLE")):
            seen: dict[str, Student] = {}
            for student in [*students, *self.new_students]:
                value = getattr(student, key)
                if value and value in seen:
                    self.plan.issues.append(
                        ImportIssue(
                            file=self.table.file_name,
                            line=None,
                            field=label,
                            value=value,
                            message=(
                                f"{student.full_name} et {seen[value].full_name} auraient le "
                                f"même {label} : corrigez le fichier."
                            ),
                        )
                    )
                seen[value] = student

    def write(self, *, user=None) -> School:
        Division.objects.bulk_create(self.new_divisions)
        Student.objects.bulk_create(self.new_students, batch_size=500)
        trail.record_created(self.new_students)
        if self.changed_students:
            trail.record_updates(self.changed_students, sorted(self.changed_fields))
            Student.objects.bulk_update(
                self.changed_students, sorted(self.changed_fields), batch_size=500
            )
        # The current year's enrolments hold what the pupils now say.
        record_enrolments(self.year, [*self.new_students, *self.changed_students])
        return self.school


def _identity(last_name: str, first_name: str, birth_date) -> tuple:
    return (fold(last_name or ""), fold(first_name or ""), birth_date)


_SUBJECT_SEPARATORS = re.compile(r"\s*[,;/+]\s*")


class StaffTableImport(_TableImport):
    """Staff from a spreadsheet: one row per person."""

    kind = "staff"
    specs = STAFF_COLUMNS

    def _analyse(self) -> None:
        self.staff = StaffPlanner(self.plan, self.school, self.table.file_name, self.today)
        subjects = list(Subject.objects.filter(school=self.school))
        self.subjects = {fold(s.code): s for s in subjects}
        for known in subjects:
            self.subjects.setdefault(fold(known.label), known)
        m = self.mapping
        for row in self.table.rows:
            issues: list[ImportIssue] = []
            last_name = m.clean(row, "last_name", _text, issues, required=True)
            first_name = m.clean(row, "first_name", _text, issues, required=True)
            civility = m.clean(row, "civility", parse_civility, issues)
            function = m.clean(row, "function", parse_function, issues)
            exit_date = m.clean(row, "exit_date", parse_date, issues)
            email = (m.text(row, "email") or "").strip()
            chosen = []
            for word in _SUBJECT_SEPARATORS.split(m.text(row, "subjects") or ""):
                if not word:
                    continue
                subject = self.subjects.get(fold(word))
                if subject is None:
                    issues.append(
                        m.issue(
                            row,
                            "subjects",
                            f"discipline « {word} » inconnue dans appui : ignorée.",
                            severity=Severity.WARNING,
                        )
                    )
                elif subject not in chosen:
                    chosen.append(subject)
            self.plan.issues.extend(issues)
            if any(issue.is_error for issue in issues):
                continue
            wanted: dict[str, object] = {"last_name": last_name, "first_name": first_name}
            optional = {
                "sts_id": m.text(row, "sts_id"),
                "civility": civility,
                "function": function,
                "grade": m.text(row, "grade"),
                "exit_date": exit_date,
            }
            wanted.update({key: value for key, value in optional.items() if value is not None})
            self.staff.plan_person(wanted=wanted, subjects=chosen, line=row.line, email=email)
        if self.absent_left:
            self.staff.plan_leaving(only_sts=False)

    def write(self, *, user=None) -> School:
        self.staff.write()
        return self.school
