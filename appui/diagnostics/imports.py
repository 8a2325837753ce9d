"""Import of diagnostic results from a spreadsheet: read → resolve → clean → preview → apply.

The file has one row per student and one column per competency assessed:

- identification: ``INE``, or ``Nom`` + ``Prénom`` (+ ``Date de naissance``, needed only when
  two students share a name); a ``Division`` column may be present and is not used to match;
- one column per competency of the campaign, headed by its code (``FR.LEC``), its label
  (« Comprendre un texte écrit ») or both (« FR.LEC Comprendre un texte écrit »), case and
  accents ignored; cells read like a grid cell (:func:`services.parse_cell`);
- any other column is listed as ignored.

Steps, as in pretix's imports: every row is checked first (:func:`results_import_analyse`
reads nothing but the database and the file), then :func:`results_write` writes the valid
rows inside the caller's transaction. A blank cell never deletes a result, and a cell equal
to the stored result is counted as unchanged and keeps its version, so importing the same
file again changes nothing.

These are plain functions: the upload, preview, confirmation and stale-preview check are the
one import flow of :mod:`appui.interop` (a higher layer, which this module must not import);
its registry declares the ``results`` kind with them.

Messages are written in French, as in :mod:`appui.core.io`: they name the lines and columns
of a French user's file, and the management command prints the same ones.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, QuerySet
from django.utils import timezone

from appui.audit import trail
from appui.core.io.errors import ImportFileError, ImportIssue, Severity
from appui.core.io.tabular import (
    COMMON_COLUMNS,
    Column,
    ColumnMapping,
    Exporter,
    Header,
    Row,
    Table,
    map_columns,
    parse_date,
    read_table,
)
from appui.core.io.values import as_text
from appui.core.io.values import fold as fold_key
from appui.core.scales import ScaleError
from appui.core.text import fold
from appui.schools.models import Division, Student
from appui.schools.selectors import students_of, with_division_of

from .models import Campaign, Competency, Result
from .selectors import campaign_competencies
from .services import CellValue, parse_cell, profiles_recompute

__all__ = [
    "ApplyOutcome",
    "ImportPlan",
    "ResultsExporter",
    "not_open_message",
    "plan_lines",
    "results_import_analyse",
    "results_write",
]

CREATED, CHANGED, UNCHANGED = "created", "changed", "unchanged"

# Identification columns, with the headers schools' files use (SIECLE, ENT, Pronote exports).
IDENTITY_SPECS = (
    COMMON_COLUMNS["ine"],
    COMMON_COLUMNS["last_name"],
    COMMON_COLUMNS["first_name"],
    COMMON_COLUMNS["birth_date"],
    COMMON_COLUMNS["division"],
)

_CENT = Decimal("0.01")


# ----------------------------------------------------------------------------- plan


@dataclass(frozen=True, slots=True)
class CompetencyColumn:
    """A column of the file recognised as one competency of the campaign."""

    header: Header
    competency: Competency
    letter: str  # the header's letter, computed once for the thousands of cells


class StoredResult(NamedTuple):
    """The stored result of one cell, as compared with the file."""

    pk: int
    value: int | None
    score: Decimal | None
    not_assessed: str
    version: int


@dataclass(slots=True)
class CellPlan:
    """What importing one cell would do."""

    competency: Competency
    column: str
    cell: CellValue
    old: str
    new: str
    status: str
    result: StoredResult | None  # None: the result would be created


@dataclass(slots=True)
class RowPlan:
    """One data row of the file: the student found, its cells, its problems."""

    line: int
    student: Student | None = None
    cells: list[CellPlan] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return self.student is not None and not any(issue.is_error for issue in self.issues)

    def count(self, status: str) -> int:
        return sum(1 for cell in self.cells if cell.status == status)


@dataclass(slots=True)
class ImportPlan:
    """Everything the preview shows and the apply step writes, for one file and campaign."""

    campaign: Campaign
    file_name: str
    table: Table | None = None
    identity: dict[str, Header] = field(default_factory=dict)
    columns: list[CompetencyColumn] = field(default_factory=list)
    ignored: list[tuple[Header, str]] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)
    file_issues: list[ImportIssue] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        """True when the file as a whole cannot be imported (skipping rows does not help)."""
        return any(issue.is_error for issue in self.file_issues)

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.is_valid]

    @property
    def error_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if not row.is_valid]

    def count(self, status: str) -> int:
        """Cells of the valid rows that would be created, changed or left unchanged."""
        return sum(row.count(status) for row in self.valid_rows)

    @property
    def issues(self) -> list[ImportIssue]:
        """Every issue, file-level ones first, then by line."""
        return self.file_issues + [issue for row in self.rows for issue in row.issues]


# ----------------------------------------------------------------------------- analyse


def results_import_analyse(
    *, campaign: Campaign, content: bytes, file_name: str, lock: bool = False
) -> ImportPlan:
    """Read, resolve and clean a results file against a campaign; writes nothing.

    ``lock`` (inside a transaction) locks the campaign's stored results until it ends.
    """
    plan = ImportPlan(campaign=campaign, file_name=file_name)
    if not campaign.is_open:
        plan.file_issues.append(
            ImportIssue(file=file_name, line=None, message=not_open_message(campaign))
        )
        return plan
    try:
        table = read_table(bytes(content), file_name)
    except ImportFileError as error:
        plan.file_issues.extend(error.issues)
        return plan
    plan.table = table
    plan.file_issues.extend(table.issues)
    mapping = map_columns(table, IDENTITY_SPECS)
    plan.file_issues.extend(mapping.issues)
    plan.identity = dict(mapping.columns)
    _map_competency_columns(plan, mapping)
    if plan.blocked:
        return plan
    _Resolver(plan, mapping, lock=lock).run()
    return plan


def not_open_message(campaign: Campaign) -> str:
    return (
        f"la campagne « {campaign.name} » n'est pas ouverte à la saisie "
        f"(état : {campaign.get_state_display()}) : un import n'est possible que pendant "
        "la saisie."
    )


def _competency_keys(competency: Competency) -> set[str]:
    code, label = fold_key(competency.code), fold_key(competency.label)
    return {code, label, f"{code}_{label}"}


def _map_competency_columns(plan: ImportPlan, mapping: ColumnMapping) -> None:
    """Find the competency columns among the headers not used for identification."""
    table = mapping.table
    campaign = plan.campaign
    assessed = campaign_competencies(campaign)
    by_key: dict[str, Competency] = {}
    for assessed_competency in assessed:
        for key in _competency_keys(assessed_competency):
            by_key.setdefault(key, assessed_competency)
    others: dict[str, Competency] = {}
    for other in Competency.objects.filter(framework_id=campaign.framework_id):
        for key in _competency_keys(other):
            others.setdefault(key, other)
    seen: dict[int, Header] = {}
    for header in mapping.unmapped():
        key = fold_key(header.text)
        competency = by_key.get(key)
        if competency is None:
            known = others.get(key)
            reason = (
                f"compétence {known.code} non évaluée dans cette campagne"
                if known
                else "colonne inconnue"
            )
            plan.ignored.append((header, reason))
            continue
        if competency.pk in seen:
            first = seen[competency.pk]
            plan.file_issues.append(
                ImportIssue(
                    file=table.file_name,
                    line=table.header_line,
                    column=header.letter,
                    field=header.text,
                    message=(
                        f"la compétence {competency.code} figure déjà en colonne "
                        f"{first.letter} (« {first.text} ») : gardez une seule colonne par "
                        "compétence."
                    ),
                )
            )
            continue
        seen[competency.pk] = header
        plan.columns.append(
            CompetencyColumn(header=header, competency=competency, letter=header.letter)
        )

    has_ine = mapping.has("ine")
    has_names = mapping.has("last_name") and mapping.has("first_name")
    if not has_ine and not has_names:
        plan.file_issues.append(
            ImportIssue(
                file=table.file_name,
                line=table.header_line,
                message=(
                    "colonnes d'identification des élèves introuvables : il faut une colonne "
                    "« INE », ou les colonnes « Nom », « Prénom » et « Date de naissance »."
                ),
            )
        )
    if not plan.columns:
        codes = ", ".join(competency.code for competency in assessed)
        plan.file_issues.append(
            ImportIssue(
                file=table.file_name,
                line=table.header_line,
                message=(
                    "aucune colonne de compétence reconnue : les en-têtes doivent être les "
                    f"codes des compétences de la campagne ({codes}) ou leurs libellés."
                ),
            )
        )


def _name_key(last_name: str, first_name: str) -> str:
    """Accent-, case- and punctuation-insensitive name: « Dupont-Hélène, Zoé » → "dupont helene zoe"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(f"{last_name} {first_name}")).split())


def _normalise_ine(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def _display(value: int | None, score: Decimal | None, not_assessed: str) -> str:
    """Short text of a stored or imported cell: ``3``, ``72,5``, ``abs``."""
    if not_assessed:
        return not_assessed
    if score is not None:
        return format(score.normalize(), "f").replace(".", ",")
    return "" if value is None else str(value)


class _Resolver:
    """Matches each row to a student and reads its cells against the stored results."""

    def __init__(self, plan: ImportPlan, mapping: ColumnMapping, *, lock: bool) -> None:
        self.plan = plan
        self.mapping = mapping
        self.campaign = plan.campaign
        self.file_name = mapping.table.file_name
        students = list(Student.objects.filter(school_id=self.campaign.year.school_id))
        # The campaign's year says who is in its level and in which division: a pupil who
        # changed class since (or, for a past campaign, left since) is the year's pupil.
        year = self.campaign.year
        self.roster = set(students_of(year, level=self.campaign.level).values_list("pk", flat=True))
        divisions = {d.pk: d for d in Division.objects.filter(year=year).select_related("level")}
        self.division_of: dict[int, Division | None] = {
            pk: divisions.get(division_id)
            for pk, division_id in with_division_of(
                Student.objects.filter(school_id=year.school_id), year
            ).values_list("pk", "year_division_id")
        }
        self.by_ine = {_normalise_ine(s.ine): s for s in students if s.ine}
        self.by_name: dict[str, list[Student]] = defaultdict(list)
        for student in students:
            self.by_name[_name_key(student.last_name, student.first_name)].append(student)
        # Plain tuples: a level's results are tens of thousands of rows, and model instances
        # would cost more than the whole comparison.
        stored = Result.objects.filter(campaign=self.campaign)
        if lock:
            stored = stored.select_for_update()
        self.stored = {
            (student_id, competency_id): StoredResult(pk, value, score, not_assessed, version)
            for student_id, competency_id, pk, value, score, not_assessed, version in (
                stored.values_list(
                    "student_id",
                    "competency_id",
                    "pk",
                    "value",
                    "score",
                    "not_assessed",
                    "version",
                )
            )
        }
        # A file repeats the same few values: read each distinct text once.
        self.parsed: dict[str, CellValue | ScaleError | None] = {}

    def run(self) -> None:
        first_seen: dict[int, tuple[Row, RowPlan]] = {}
        for row in self.mapping.table.rows:
            plan_row = RowPlan(line=row.line)
            plan_row.student = self.student_for(row, plan_row.issues)
            self.read_cells(row, plan_row)
            student = plan_row.student
            if student is not None:
                earlier = first_seen.get(student.pk)
                if earlier is None:
                    first_seen[student.pk] = (row, plan_row)
                else:
                    self.duplicate(row, plan_row, *earlier)
            self.plan.rows.append(plan_row)

    # Resolve -----------------------------------------------------------------------------

    def id_issue(self, row: Row, message: str, *, key: str | None = None) -> ImportIssue:
        """An issue about the row's identification, placed on its INE or name column."""
        if key is None:
            key = (
                "ine"
                if self.mapping.text(row, "ine") or not self.mapping.has("last_name")
                else "last_name"
            )
        return self.mapping.issue(row, key, message)

    def student_for(self, row: Row, issues: list[ImportIssue]) -> Student | None:
        mapping = self.mapping
        ine = mapping.text(row, "ine")
        last_name = mapping.text(row, "last_name") or ""
        first_name = mapping.text(row, "first_name") or ""
        student = None
        if ine:
            student = self.by_ine.get(_normalise_ine(ine))
            if student is None:
                student = self.by_name_without_ine(row, last_name, first_name, issues)
                if student is None:
                    issues.append(
                        self.id_issue(
                            row,
                            f"aucun élève de l'établissement n'a l'INE « {ine} ».",
                            key="ine",
                        )
                    )
                    return None
            elif last_name and fold(last_name) != fold(student.last_name):
                issues.append(
                    mapping.issue(
                        row,
                        "last_name",
                        f"l'INE {ine} est celui de {student.full_name} : vérifiez que le nom "
                        "correspond bien à cet élève.",
                        severity=Severity.WARNING,
                    )
                )
        elif last_name and first_name:
            student = self.by_name_match(row, last_name, first_name, issues)
            if student is None:
                return None
        else:
            issues.append(
                self.id_issue(
                    row,
                    "élève non identifié : indiquez son INE, ou ses nom, prénom et date de "
                    "naissance.",
                )
            )
            return None
        return self.check_student(row, student, issues)

    def by_name_without_ine(
        self, row: Row, last_name: str, first_name: str, issues: list[ImportIssue]
    ) -> Student | None:
        """A student the school recorded without an INE, found by name and birth date."""
        if not (last_name and first_name):
            return None
        found = self.by_name_match(row, last_name, first_name, [])
        if found is None or found.ine:
            return None
        issues.append(
            self.mapping.issue(
                row,
                "ine",
                f"INE inconnu : {found.full_name}, dont l'INE n'est pas enregistré dans appui, "
                "a été reconnu par son nom et sa date de naissance.",
                severity=Severity.WARNING,
            )
        )
        return found

    def by_name_match(
        self, row: Row, last_name: str, first_name: str, issues: list[ImportIssue]
    ) -> Student | None:
        mapping = self.mapping
        name = f"{last_name.upper()} {first_name}"
        candidates = self.by_name.get(_name_key(last_name, first_name), [])
        birth_issues: list[ImportIssue] = []
        birth_date = mapping.clean(row, "birth_date", parse_date, birth_issues)
        if birth_issues:
            issues.extend(birth_issues)
            return None
        if not candidates:
            issues.append(
                self.id_issue(
                    row, f"aucun élève nommé {name} dans l'établissement.", key="last_name"
                )
            )
            return None
        if birth_date is not None:
            same_day = [s for s in candidates if s.birth_date == birth_date]
            if not same_day:
                issues.append(
                    mapping.issue(
                        row,
                        "birth_date",
                        f"aucun élève nommé {name} n'est né le {birth_date:%d/%m/%Y} : "
                        "vérifiez la date de naissance ou indiquez l'INE.",
                    )
                )
                return None
            candidates = same_day
        if len(candidates) > 1:
            # Prefer the one who is currently in the campaign's level (a namesake in another
            # level, or one who left, cannot be meant).
            here = [s for s in candidates if self.in_level(s)]
            if len(here) == 1:
                return here[0]
            hint = "l'INE" if birth_date is not None else "l'INE ou la date de naissance"
            issues.append(
                self.id_issue(
                    row,
                    f"plusieurs élèves s'appellent {name} : indiquez {hint} pour les distinguer.",
                    key="last_name",
                )
            )
            return None
        return candidates[0]

    def in_level(self, student: Student) -> bool:
        """In the campaign's level that year (present, for the current year)."""
        return student.pk in self.roster

    def check_student(
        self, row: Row, student: Student, issues: list[ImportIssue]
    ) -> Student | None:
        if self.in_level(student):
            return student
        current = self.campaign.year.is_current
        if current and student.exit_date is not None:
            issues.append(
                self.id_issue(
                    row,
                    f"{student.full_name} a quitté l'établissement le "
                    f"{student.exit_date:%d/%m/%Y}.",
                )
            )
            return None
        division = self.division_of.get(student.pk)
        where = (
            f"{'est' if current else 'était'} en {division.code} ({division.level.name})"
            if division is not None
            else f"n'{'est' if current else 'était'} dans aucune division"
        )
        issues.append(
            self.id_issue(
                row,
                f"{student.full_name} {where}, pas dans le niveau "
                f"« {self.campaign.level.name} » de la campagne.",
            )
        )
        return None

    def duplicate(self, row: Row, plan_row: RowPlan, first_row: Row, first_plan: RowPlan) -> None:
        """Two rows for one student: both are refused, neither value can be preferred."""
        student = plan_row.student
        assert student is not None
        plan_row.issues.append(
            self.id_issue(
                row,
                f"{student.full_name} figure déjà ligne {first_plan.line} : une seule ligne "
                "par élève.",
            )
        )
        if not any("figure aussi ligne" in issue.message for issue in first_plan.issues):
            first_plan.issues.append(
                self.id_issue(
                    first_row,
                    f"{student.full_name} figure aussi ligne {plan_row.line} : une seule "
                    "ligne par élève.",
                )
            )

    # Clean ------------------------------------------------------------------------------

    def parse(self, text: str) -> CellValue | ScaleError | None:
        if text not in self.parsed:
            try:
                cell = parse_cell(self.campaign, text)
            except ScaleError as error:
                self.parsed[text] = error
            else:
                if cell is not None and cell.score is not None:
                    # Stored with two decimals: compare what will be stored.
                    cell = CellValue(cell.value, cell.score.quantize(_CENT), cell.not_assessed)
                self.parsed[text] = cell
        return self.parsed[text]

    def read_cells(self, row: Row, plan_row: RowPlan) -> None:
        student = plan_row.student
        for column in self.plan.columns:
            raw = row.get(column.header.key)
            text = as_text(raw)
            if text is None:
                continue  # blank: leave the stored result as it is
            cell = self.parse(text)
            if isinstance(cell, ScaleError):
                plan_row.issues.append(
                    ImportIssue(
                        file=self.file_name,
                        line=row.line,
                        column=column.letter,
                        field=column.header.text,
                        value=text,
                        message=str(cell),
                    )
                )
                continue
            if cell is None or student is None:
                continue
            stored = self.stored.get((student.pk, column.competency.pk))
            new = _display(cell.value, cell.score, cell.not_assessed)
            if stored is None:
                status, old = CREATED, ""
            else:
                old = _display(stored.value, stored.score, stored.not_assessed)
                same = (stored.value, stored.score, stored.not_assessed) == (
                    cell.value,
                    cell.score,
                    cell.not_assessed,
                )
                status = UNCHANGED if same else CHANGED
            plan_row.cells.append(
                CellPlan(
                    competency=column.competency,
                    column=column.letter,
                    cell=cell,
                    old=old,
                    new=new,
                    status=status,
                    result=stored,
                )
            )


# ----------------------------------------------------------------------------- apply


@dataclass(frozen=True, slots=True)
class ApplyOutcome:
    """What an apply wrote."""

    created: int
    changed: int
    unchanged: int
    skipped_rows: int
    students: int

    def as_dict(self) -> dict:
        return {
            CREATED: self.created,
            CHANGED: self.changed,
            UNCHANGED: self.unchanged,
            "skipped_rows": self.skipped_rows,
            "students": self.students,
        }


def results_write(plan: ImportPlan, user) -> ApplyOutcome:
    """Bulk-write the valid rows of a checked plan (inside the caller's transaction).

    New results are inserted in batches. Changed ones are updated with one UPDATE per
    distinct new value (a file holds a handful: 1–4, abs…), which is much cheaper than
    Django's ``bulk_update`` and its CASE per row; ``version`` grows by one on each.
    """
    author = user if getattr(user, "is_authenticated", False) else None
    to_create: list[Result] = []
    to_update: dict[CellValue, list[int]] = defaultdict(list)
    touched: dict[int, Student] = {}
    for row in plan.valid_rows:
        assert row.student is not None
        for cell_plan in row.cells:
            if cell_plan.status == UNCHANGED:
                continue
            cell = cell_plan.cell
            touched[row.student.pk] = row.student
            if cell_plan.result is None:
                to_create.append(
                    Result(
                        campaign=plan.campaign,
                        student=row.student,
                        competency=cell_plan.competency,
                        value=cell.value,
                        score=cell.score,
                        not_assessed=cell.not_assessed,
                        version=1,
                        updated_by=author,
                    )
                )
            else:
                to_update[cell].append(cell_plan.result.pk)
    Result.objects.bulk_create(to_create, batch_size=500)
    trail.record_created(to_create)
    now = timezone.now()
    for cell, pks in to_update.items():
        for start in range(0, len(pks), 500):
            batch = Result.objects.filter(pk__in=pks[start : start + 500])
            trail.record_queryset_update(
                batch, value=cell.value, score=cell.score, not_assessed=cell.not_assessed
            )
            batch.update(
                value=cell.value,
                score=cell.score,
                not_assessed=cell.not_assessed,
                version=F("version") + 1,
                updated_by=author,
                updated_at=now,  # update() does not apply auto_now
            )
    # Touched students only, in one go: a round of queries per student made a 1,500-row
    # apply take 15-20 s instead of about 4 s.
    profiles_recompute(students=list(touched.values()))
    return ApplyOutcome(
        created=len(to_create),
        changed=sum(len(pks) for pks in to_update.values()),
        unchanged=plan.count(UNCHANGED),
        skipped_rows=len(plan.error_rows),
        students=len(touched),
    )


# ----------------------------------------------------------------------------- template


class ResultsExporter(Exporter):
    """A campaign's results: one row per student, one column per competency (its code).

    The shape of the results import, so a downloaded file can be corrected and imported
    back. With ``filled=False`` it is the template teachers fill in (the cells are empty).
    """

    def __init__(
        self,
        campaign: Campaign,
        students: QuerySet[Student],
        competencies: list[Competency],
        *,
        filled: bool = True,
    ) -> None:
        self.campaign = campaign
        self.students = students
        self.competencies = competencies
        self.filled = filled
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

    @classmethod
    def template(cls, campaign: Campaign) -> ResultsExporter:
        """The empty file of the campaign's present students, ready to fill."""
        students = students_of(campaign.year, level=campaign.level)
        return cls(campaign, students, campaign_competencies(campaign), filled=False)

    def cells(self) -> dict[tuple[int, int], object]:
        cells: dict[tuple[int, int], object] = {}
        if not self.filled:
            return cells
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
        return cells

    def rows(self) -> Iterator[list]:
        cells = self.cells()
        # The division of the campaign's year (the pupil may have changed class since).
        students = with_division_of(self.students, self.campaign.year).order_by(
            "year_division_code", "last_name", "first_name", "pk"
        )
        for student in students.iterator(chunk_size=1000):
            yield [
                student.ine or None,
                student.last_name,
                student.first_name,
                student.birth_date,
                student.year_division_code,
                *(cells.get((student.pk, c.pk)) for c in self.competencies),
            ]


# ----------------------------------------------------------------------------- text report


def _issue_line(issue: ImportIssue) -> str:
    """``fichier:ligne:colonne: message`` (parts unknown are left out)."""
    where = issue.file
    if issue.line is not None:
        where += f":{issue.line}"
        if issue.column:
            where += f":{issue.column}"
    value = (
        f" (valeur « {issue.value} »)" if issue.value and issue.value not in issue.message else ""
    )
    prefix = "" if issue.is_error else "avertissement : "
    return f"{where}: {prefix}{issue.message}{value}"


def plan_lines(plan: ImportPlan) -> Iterable[str]:
    """The preview as French text lines, for the management command."""
    table = plan.table
    campaign = plan.campaign
    yield f"Campagne « {campaign.name} » ({campaign.level.name}, {campaign.get_state_display()})"
    if table is not None:
        kind = table.format.value.upper()
        if table.encoding:
            separator = "tabulation" if table.delimiter == "\t" else f"« {table.delimiter} »"
            kind += f", encodage {table.encoding}, séparateur {separator}"
        yield f"Fichier « {plan.file_name} » ({kind}) : {len(table.rows)} lignes de données"
    if plan.identity:
        yield "Identification : " + ", ".join(
            f"{header.text} ({header.letter})" for header in plan.identity.values()
        )
    if plan.columns:
        yield "Compétences : " + ", ".join(
            f"{column.competency.code} ({column.header.letter})" for column in plan.columns
        )
    for header, reason in plan.ignored:
        yield f"Colonne ignorée : {header.text} ({header.letter}) — {reason}"
    for issue in plan.issues:
        yield _issue_line(issue)
    if plan.table is not None and not plan.blocked:
        yield (
            f"Résultats créés : {plan.count(CREATED)} ; modifiés : {plan.count(CHANGED)} ; "
            f"inchangés : {plan.count(UNCHANGED)} ; lignes en erreur : {len(plan.error_rows)}"
        )
