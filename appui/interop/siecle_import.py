"""SIECLE students import: resolve → clean → preview, then write in one transaction.

Input: the records :func:`appui.core.io.siecle.parse_siecle` read (and optionally
``Nomenclature.xml`` for the specialty of new divisions). The analysis reads the database
once, matches every student by SIECLE ``ELEVE_ID`` then INE — never by name —, and plans:

- the school and its school year when the installation has none for this UAI (the first
  import; the year's dates and AP periods come from the official calendar of the zone);
- the levels missing for the MEF codes of the file (official AP hours where they exist); a
  code appui does not know gets the level the head mapped it to (``MefMapping``), or a new
  level « à préciser » named after the Nomenclature;
- the divisions and the groups (``STRUCTURE`` of type D and G), and who is in each group;
- each student: new, changed (field by field), leaving, unchanged. Every present student is
  stored, with their MEF code and special scheme (SEGPA, ULIS, UPE2A:
  :func:`appui.core.io.mef.scheme_of`); one without a class is stored without division and
  listed as such.

A file of the school year after the current one (normally N+1) opens that year beside the
current one, which is kept unchanged (:meth:`SiecleImport._plan_next_students`): the pupils
continuing (matched as above), repeating (same track and year in the cycle as their
enrolment of the year before), arriving, and the pupils of the current year absent from
the file, who will have left once the new year is current. Applying it writes the new
year's levels (with the settings of the same levels of the year before), divisions, new
pupils and enrolments, proposes last year's tutors again (``tutoring``), and makes the new
year current when it has begun (or the current one has ended); otherwise the new year is
« à venir » until the head switches on the settings page. An older file is refused.

A file that would make more than 20 % of the present students leave, or that is older than
the last SIECLE file applied, needs a second, explicit confirmation
(:attr:`~appui.interop.plan.Plan.confirmations`). A Nomenclature of another school or year
is refused.

A student with ``DATE_SORTIE`` is marked as left on that date; a student of the database
absent from the file (or only in a pseudo-division such as « Inactifs ») is marked as left on
the export date. Nothing is ever deleted: a student who left keeps their division, groups and
history. Re-importing the same file plans nothing.

:meth:`SiecleImport.write` then writes the plan with bulk operations (a few dozen queries
for 1,500 students), inside the caller's transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from appui.core import calendar
from appui.core.identifiers import ine_is_valid, uai_problem
from appui.core.io.errors import ImportIssue, Severity
from appui.core.io.mef import scheme_of
from appui.core.io.siecle import Nomenclature, SiecleExport, SiecleStudent
from appui.schools.models import (
    Division,
    Enrolment,
    Level,
    Membership,
    Period,
    School,
    SchoolYear,
    Student,
    StudentGroup,
)
from appui.schools.selectors import current_year, not_yet_arrived
from appui.schools.services import year_make_current
from appui.tutoring.services import tutorships_propose

from .models import ImportBatch
from .plan import CHANGED, LEAVING, NEW, Change, Entry, Importer, ImportRefused, Plan, show
from .structure import LevelResolver, best_level, record_enrolments, school_mappings

# Student fields an import compares, with their French names.
FIELDS = (
    ("last_name", "Nom"),
    ("first_name", "Prénom"),
    ("birth_date", "Date de naissance"),
    ("sex", "Sexe"),
    ("ine", "INE"),
    ("siecle_id", "Identifiant SIECLE"),
    ("elenoet", "ELENOET"),
    ("division", "Division"),
    ("mef", "Code MEF"),
    ("scheme", "Dispositif"),
    ("entry_date", "Date d'entrée"),
    ("exit_date", "Date de sortie"),
)
FIELD_NAMES = dict(FIELDS)
#: The fields of the person, kept on the pupil; the others belong to a year (``Enrolment``).
IDENTITY = ("last_name", "first_name", "birth_date", "sex", "ine", "siecle_id", "elenoet")
# Fields the file may leave empty without erasing what appui holds.
KEEP_WHEN_EMPTY = {"birth_date", "sex", "ine", "elenoet", "entry_date", "division", "mef"}
#: Above this share of the present students leaving, the import needs a second confirmation.
LEAVING_SHARE = Decimal("0.2")
#: Students without a class named in the preview's facts (the count covers them all).
MAX_LISTED = 50
WITHOUT_CLASS = "sans classe"
CLEAN_EXCLUDE = ["school", "division", "user", "search_text", "project"]


def fallback_year_bounds(start_year: int) -> tuple[date, date]:
    """Dates used when the official calendar of a year is not published yet."""
    return date(start_year, 9, 1), date(start_year + 1, 7, 4)


def _keeps(record: SiecleStudent, student: Student, name: str, value: object) -> bool:
    """The file says nothing about this field: appui keeps what it holds."""
    if name in KEEP_WHEN_EMPTY and value in (None, "") and not _erases(record, student, name):
        return True
    # A student who left is no longer in SIECLE's groups: keep the scheme that was known.
    return name == "scheme" and record.left and not value


def _erases(record: SiecleStudent, student: Student, name: str) -> bool:
    """Fields the file empties on purpose: the class of a present student SIECLE puts in no
    division, the INE a student gave up to another line of the file (see parse_siecle)."""
    if name == "division":
        return record.current
    return name == "ine" and record.shared_ine is not None and student.ine == record.shared_ine


class SiecleImport(Importer):
    """The plan for one SIECLE export, and how to write it."""

    #: The school chosen, or the new one this import creates for the file's UAI.
    school: School

    def __init__(
        self,
        export: SiecleExport,
        *,
        school: School | None,
        nomenclature: Nomenclature | None = None,
        school_name: str = "",
        holiday_zone: str = "",
        today: date | None = None,
    ) -> None:
        self.export = export
        self.nomenclature = nomenclature
        self.school_name = school_name.strip()
        self.holiday_zone = holiday_zone
        self.today = today or timezone.localdate()
        self.plan = Plan("siecle", export.file_name)
        self.creates_school = False
        self.creates_year = False
        #: The current year when this file opens the next one (else None).
        self.previous: SchoolYear | None = None
        self.new_enrolments: list[Enrolment] = []
        self.in_file: list[Student] = []
        self.changed_enrolments: list[Enrolment] = []
        self.new_periods: list[Period] = []
        self.new_divisions: list[Division] = []
        self.new_students: list[Student] = []
        self.changed_students: list[Student] = []
        self.changed_fields: set[str] = set()
        self.new_groups: list[StudentGroup] = []
        # (group, division) and (group, student) links to add; (group pk, student pk) to drop.
        self.group_divisions: list[tuple[StudentGroup, Division]] = []
        self.group_students: list[tuple[StudentGroup, Student]] = []
        # Present students stored without a class, in file order.
        self.without_class: list[SiecleStudent] = []
        self._analyse(school)

    # ------------------------------------------------------------------ analysis
    def _analyse(self, school: School | None) -> None:
        export = self.export
        self.plan.issues.extend(export.issues)
        if self.nomenclature is not None:
            self.plan.issues.extend(self.nomenclature.issues)
        self._check_nomenclature()
        self._resolve_school(school)
        params = export.parameters
        self.leave_date = params.export_date or self.today
        existing_levels = list(self.year.levels.all()) if self.year.pk else []
        self.levels = LevelResolver(
            self.year,
            existing_levels,
            mappings=school_mappings(self.school),
            label_of=self.nomenclature.mef_label if self.nomenclature else None,
        )
        self.divisions = (
            {d.code: d for d in Division.objects.filter(year=self.year).select_related("level")}
            if self.year.pk
            else {}
        )
        self.groups = (
            {g.code: g for g in StudentGroup.objects.filter(year=self.year)} if self.year.pk else {}
        )
        students = self.plan.section("students", "Élèves")
        self._plan_divisions()
        if self.previous is not None:
            self._carry_level_settings()
        self._load_groups()
        self._plan_students(students)
        self._check_unique_keys()
        self._check_harm(students)

        levels = self.plan.section("levels", "Niveaux")
        for level in self.levels.new:
            levels.add(Entry(NEW, level.name, level.mef_mask, note=self._level_note(level)))
        levels.unchanged(len(existing_levels))
        divisions = self.plan.section("divisions", "Divisions")
        for division in self.new_divisions:
            divisions.add(Entry(NEW, division.code, division.level.name))
        divisions.unchanged(len(self.divisions) - len(self.new_divisions))
        groups = self.plan.section("groups", "Groupes")
        for group in self.new_groups:
            groups.add(Entry(NEW, group.code))
        groups.unchanged(len(self.groups) - len(self.new_groups))

        facts = self.plan.facts
        if self.creates_school:
            facts.append(
                (
                    "Établissement",
                    f"{self.school.name} ({self.school.uai}) — nouvel établissement, "
                    "créé par cet import",
                )
            )
        else:
            facts.append(("Établissement", f"{self.school.name} ({self.school.uai})"))
        year_text = self.year.label
        if self.creates_year:
            year_text += (
                f" — créée par cet import, du {show(self.year.start_date)} au "
                f"{show(self.year.end_date)}, zone {self.school.holiday_zone}"
            )
        if self.previous is not None:
            year_text += (
                f" ; ouverte à côté de {self.previous.label}, qui est conservée telle quelle"
                if self.creates_year
                else f" — à venir, à côté de {self.previous.label} (conservée telle quelle)"
            )
        facts.append(("Année scolaire", year_text))
        if self.previous is not None:
            facts.extend(self._next_year_facts())
        if params.export_date:
            facts.append(("Export SIECLE du", show(params.export_date)))
        facts.append(
            (
                "Élèves dans le fichier",
                f"{len(export.students)}, dont {len(export.current_students)} présents et "
                f"{len(export.left_students)} sortis",
            )
        )
        if self.without_class:
            names = ", ".join(
                f"{record.full_name} (ligne {record.line})"
                for record in self.without_class[:MAX_LISTED]
            )
            more = len(self.without_class) - MAX_LISTED
            facts.append(
                (
                    "Élèves sans classe",
                    f"{len(self.without_class)} : {names}"
                    + (f" et {more} autres" if more > 0 else ""),
                )
            )

    @staticmethod
    def _level_note(level: Level) -> str:
        if level.to_specify:
            return "à préciser : code MEF inconnu d'appui"
        if not level.has_ap:
            return "pas d'AP"
        if level.ap_hours:
            return f"{show(level.ap_hours)} h d'AP par an"
        return "heures à saisir"

    def _check_nomenclature(self) -> None:
        """A Nomenclature of another school or year is refused: its labels would be wrong."""
        nomenclature, params = self.nomenclature, self.export.parameters
        if nomenclature is None:
            return
        if nomenclature.uai and nomenclature.uai != params.uai:
            raise ImportRefused(
                f"Le fichier des nomenclatures « {nomenclature.file_name} » est celui de "
                f"l'établissement {nomenclature.uai}, alors que les élèves sont ceux de "
                f"{params.uai} : exportez de SIECLE la Nomenclature du même établissement. "
                "Rien n'a été importé."
            )
        if nomenclature.school_year and nomenclature.school_year != params.school_year:
            raise ImportRefused(
                f"Le fichier des nomenclatures « {nomenclature.file_name} » concerne l'année "
                f"{nomenclature.school_year}-{nomenclature.school_year + 1}, alors que les "
                f"élèves sont ceux de {params.school_year_label} : exportez de SIECLE la "
                "Nomenclature de la même année. Rien n'a été importé."
            )

    def _check_harm(self, students) -> None:
        """The second confirmations: many present students leaving, an older export."""
        leaving = students.counts[LEAVING]
        present = self.present_before
        # Opening the next year, a third of the pupils leaving (last classes) is the rule.
        if self.previous is None and present and leaving > LEAVING_SHARE * present:
            share = round(100 * leaving / present)
            self.plan.confirmations.append(
                f"{leaving} des {present} élèves présents dans appui ({share} %) deviendraient "
                "« sortants » : ils seraient marqués sortis et disparaîtraient des listes, des "
                "effectifs et des groupes de besoin à venir. Un fichier partiel (quelques "
                "élèves, une seule classe) ne doit pas être importé ainsi : exportez de SIECLE "
                "tous les élèves de l'établissement."
            )
        export_date = self.export.parameters.export_date
        if export_date is None or not self.school.pk:
            return
        last = (
            ImportBatch.objects.filter(
                school=self.school,
                kind="siecle",
                status=ImportBatch.Status.APPLIED,
                export_date__isnull=False,
            )
            .order_by("-applied_at", "-pk")
            .values_list("export_date", flat=True)
            .first()
        )
        if last is not None and export_date < last:
            self.plan.confirmations.append(
                f"Ce fichier a été exporté de SIECLE le {show(export_date)}, avant le dernier "
                f"export importé (du {show(last)}) : l'appliquer remettrait dans appui des "
                "données plus anciennes (classes, groupes, sorties) que celles déjà "
                "enregistrées."
            )

    def batch_links(self) -> dict:
        """The export date, kept to compare with the next SIECLE file."""
        return {"export_date": self.export.parameters.export_date}

    def _resolve_school(self, school: School | None) -> None:
        params = self.export.parameters
        if school is None:
            other = School.objects.filter(uai=params.uai).first()
            if other is not None:
                raise ImportRefused(
                    f"L'établissement {params.uai} ({other.name}) existe déjà dans appui : "
                    "ce fichier doit être importé par son chef d'établissement, connecté à "
                    "cet établissement. Rien n'a été importé."
                )
            problem = uai_problem(params.uai)
            if problem:
                raise ImportRefused(
                    f"Le code UAI du fichier (UAJ) n'est pas valide : {problem} Rien n'a été "
                    "importé."
                )
            self.school = School(
                uai=params.uai,
                name=self.school_name or params.uai,
                holiday_zone=self.holiday_zone or School.Zone.B,
            )
            self.creates_school = True
            self._new_year()
            return
        self.school = school
        if params.uai != self.school.uai:
            raise ImportRefused(
                f"Ce fichier est l'export de l'établissement {params.uai}, pas celui de "
                f"{self.school.name} ({self.school.uai}). Vérifiez l'établissement choisi "
                "dans SIECLE avant l'export. Rien n'a été importé."
            )
        year = current_year(self.school)
        if year is None:
            self._new_year()
            return
        if params.school_year < year.start_year:
            raise ImportRefused(
                f"Ce fichier concerne l'année scolaire {params.school_year_label}, antérieure à "
                f"l'année en cours de {self.school.name} dans appui, {year.label} : un export "
                "d'une année passée ne peut plus être importé (cette année reste telle "
                f"qu'enregistrée). Exportez depuis SIECLE les élèves de l'année {year.label}, "
                "ou ceux de l'année suivante pour l'ouvrir. Rien n'a été importé."
            )
        if params.school_year > year.start_year:
            self._open_next(year)
            return
        self.year = year

    def _open_next(self, current: SchoolYear) -> None:
        """The file is of a later year than the current one: it opens that year (or updates
        it while it is « à venir »); the current year stays as it is."""
        params = self.export.parameters
        later = list(self.school.years.filter(start_year__gt=current.start_year))
        other = [y for y in later if y.start_year != params.school_year]
        if other:
            raise ImportRefused(
                f"Ce fichier concerne l'année scolaire {params.school_year_label}, alors que "
                f"l'année {other[0].label} est déjà ouverte, à venir, après l'année en cours "
                f"({current.label}) : passez d'abord à l'année {other[0].label} (page "
                "Paramètres), ou importez l'export de cette année-là. Rien n'a été importé."
            )
        self.previous = current
        if later:
            self.year = later[0]
        else:
            self._new_year(current=False)

    def _new_year(self, *, current: bool = True) -> None:
        start = self.export.parameters.school_year
        zone = self.school.holiday_zone
        try:
            first, last = calendar.year_bounds(zone, start)
            spans = calendar.periods_between_holidays(zone, start)
        except Exception:  # noqa: BLE001 (the calendar package raises its own error for unknown years)
            first, last = fallback_year_bounds(start)
            spans = []
            self.plan.issues.append(
                ImportIssue(
                    file=self.export.file_name,
                    line=None,
                    field="ANNEE_SCOLAIRE",
                    value=str(start),
                    severity=Severity.WARNING,
                    message=(
                        f"le calendrier officiel de l'année {start}-{start + 1} n'est pas "
                        f"connu : l'année ira du {show(first)} au {show(last)} et ses "
                        "périodes seront à créer."
                    ),
                )
            )
        self.year = SchoolYear(
            school=self.school,
            start_year=start,
            start_date=first,
            end_date=last,
            is_current=current,
        )
        self.creates_year = True
        self.new_periods = [
            Period(
                year=self.year,
                number=number,
                name=span.name,
                start_date=span.start,
                end_date=span.end,
            )
            for number, span in enumerate(spans, 1)
        ]

    def _plan_divisions(self) -> None:
        """Every real division of the file, created with the level of its students' MEF (a
        level « à préciser » for a code appui does not know). Only a division none of whose
        students has a MEF code stays out; its students are stored without a class."""
        codes: dict[str, Counter] = defaultdict(Counter)
        for student in self.export.students:
            if student.division is not None and student.mef_code:
                # Current students decide the level; those who left only break ties.
                codes[student.division][student.mef_code] += 100 if student.current else 1
            elif student.division is not None:
                codes.setdefault(student.division, Counter())
        self.unresolved: set[str] = set()
        for code, mefs in sorted(codes.items()):
            if code in self.divisions:
                continue
            level = None
            for mef, _count in mefs.most_common():
                level = self.levels.for_mef(mef)
                if level is not None:
                    break
            if level is None:
                self.unresolved.add(code)
                self.plan.issues.append(
                    ImportIssue(
                        file=self.export.file_name,
                        line=None,
                        field="CODE_MEF",
                        value=None,
                        severity=Severity.WARNING,
                        message=(
                            f"aucun élève de la division « {code} » n'a de code MEF : son niveau "
                            "est inconnu, elle n'est pas créée et ses élèves sont importés sans "
                            "classe."
                        ),
                    )
                )
                continue
            specialty = ""
            if self.nomenclature is not None:
                for mef, _count in mefs.most_common():
                    specialty = self.nomenclature.mef_label(mef) or ""
                    if specialty:
                        break
            division = Division(
                year=self.year, level=level, code=code[:30], specialty=specialty[:200]
            )
            self.divisions[code] = division
            self.new_divisions.append(division)
        self._warn_unknown_mefs()

    def _warn_unknown_mefs(self) -> None:
        """One warning per level « à préciser » the import creates, with its students."""
        unknown = {level.mef_mask: level for level in self.levels.new if level.to_specify}
        if not unknown:
            return
        counts = Counter(
            record.mef_code.strip().upper()
            for record in self.export.current_students
            if record.mef_code and record.mef_code.strip().upper() in unknown
        )
        for code, level in sorted(unknown.items()):
            number = counts[code]
            self.plan.issues.append(
                ImportIssue(
                    file=self.export.file_name,
                    line=None,
                    field="CODE_MEF",
                    value=code,
                    severity=Severity.WARNING,
                    message=(
                        f"le code MEF {code} n'est pas connu d'appui : le niveau « {level.name} » "
                        f"est créé « à préciser » ({number} élève{'s' if number > 1 else ''} "
                        "présent" + ("s" if number > 1 else "") + "). Ses élèves sont importés ; "
                        "indiquez une fois ce qu'il est (voie, année, heures d'AP ou pas d'AP) : "
                        "les imports suivants l'appliqueront."
                    ),
                )
            )

    def _load_students(self) -> list[Student]:
        school_students = list(Student.objects.filter(school=self.school)) if self.school.pk else []
        self.db_students = school_students
        self.division_codes = (
            dict(Division.objects.filter(year__school=self.school).values_list("pk", "code"))
            if self.school.pk
            else {}
        )
        # The arrivals of an upcoming year are no pupils of the current one: never leaving it.
        self.not_arrived = (
            set(
                Student.objects.filter(school=self.school)
                .filter(not_yet_arrived())
                .values_list("pk", flat=True)
            )
            if self.school.pk
            else set()
        )
        self.present_before = sum(
            1 for s in school_students if s.exit_date is None and s.pk not in self.not_arrived
        )
        return school_students

    def _matched(
        self, school_students: list[Student]
    ) -> tuple[list[tuple[SiecleStudent, Student | None]], set[int]]:
        """Each line of the file with its student of appui (by SIECLE id, then INE — never
        by name), and the students claimed; two lines claiming one student are an error."""
        by_siecle = {s.siecle_id: s for s in school_students if s.siecle_id}
        by_ine = {s.ine: s for s in school_students if s.ine}
        claimed: dict[int, SiecleStudent] = {}
        # A student of appui whose SIECLE id is in the file is that line's, whatever its INE:
        # another line holding the same INE (an INE corrected or given up) is not them.
        file_ids = {record.eleve_id for record in self.export.students}
        matched: list[tuple[SiecleStudent, Student | None]] = []
        for record in self.export.students:
            target = by_siecle.get(record.eleve_id)
            if target is None and record.ine:
                target = by_ine.get(record.ine)
                if target is not None and target.siecle_id in file_ids:
                    target = None
            if target is not None and target.pk in claimed:
                other = claimed[target.pk]
                self._error(
                    record,
                    "ID_NATIONAL",
                    record.ine,
                    f"{record.full_name} et {other.full_name} (ligne {other.line}) désignent le "
                    f"même élève d'appui, {target.full_name} (l'un par son identifiant SIECLE, "
                    "l'autre par son INE) : corrigez l'INE dans SIECLE.",
                )
                continue
            if target is not None:
                claimed[target.pk] = record
            matched.append((record, target))
        return matched, set(claimed)

    def _plan_students(self, section) -> None:
        if self.previous is not None:
            self._plan_next_students(section)
            return
        school_students = self._load_students()
        matched, claimed = self._matched(school_students)
        self.in_file = [target for _record, target in matched if target is not None]
        for record, target in matched:
            if record.current:
                self._plan_current(section, record, target)
            elif record.left:
                self._plan_left(section, record, target)
            elif target is not None and target.exit_date is None:
                self._leave(
                    section,
                    target,
                    f"dans la pseudo-division « {record.pseudo_division} » sans date de sortie : "
                    f"marqué sorti le {show(self.leave_date)}",
                    record.line,
                )
            elif target is not None:
                section.unchanged()

        for student in school_students:
            if student.pk in claimed or student.exit_date is not None:
                continue
            if student.pk in self.not_arrived:
                continue
            if not (student.siecle_id or student.ine):
                self.plan.issues.append(
                    ImportIssue(
                        file=self.export.file_name,
                        line=None,
                        severity=Severity.WARNING,
                        message=(
                            f"{student.full_name} n'a dans appui ni identifiant SIECLE ni INE : "
                            "il ne peut pas être rapproché du fichier et reste tel quel."
                        ),
                    )
                )
                continue
            self._leave(
                section,
                student,
                f"absent du fichier : marqué sorti le {show(self.leave_date)}",
                None,
            )

    # ------------------------------------------------------------------ the next year
    def _carry_level_settings(self) -> None:
        """New levels of the next year take the settings the school gave the same level
        (track, year in the cycle, MEF mask) of the year before."""
        assert self.previous is not None
        before = {
            (level.track, level.year_in_cycle, level.mef_mask): level
            for level in self.previous.levels.all()
        }
        for level in self.levels.new:
            old = before.get((level.track, level.year_in_cycle, level.mef_mask))
            if old is None:
                continue
            level.ap_hours = old.ap_hours
            level.has_ap = old.has_ap
            level.separate_schemes = old.separate_schemes

    def _plan_next_students(self, section) -> None:
        """The pupils of the next year: continuing, repeating, arriving; those of the
        current year absent from the file will have left. Nothing of the current year is
        written: identities go to the pupil, the year to an ``Enrolment`` of the new year."""
        assert self.previous is not None
        school_students = self._load_students()
        matched, _claimed = self._matched(school_students)
        self.previous_enrolments = {
            e.student_id: e
            for e in Enrolment.objects.filter(year=self.previous).select_related("division__level")
        }
        self.next_enrolments = (
            {e.student_id: e for e in Enrolment.objects.filter(year=self.year)}
            if self.year.pk
            else {}
        )
        self.previous_levels = list(self.previous.levels.all())
        self.next_counts: Counter = Counter()
        planned: set[int] = set()
        for record, target in matched:
            in_year = record.current or (
                record.left and record.exit_date and record.exit_date >= self.year.start_date
            )
            if not in_year:
                continue
            self._plan_next(section, record, target)
            if target is not None:
                planned.add(target.pk)
        by_pk = {s.pk: s for s in school_students}
        # Enrolled in the new year by an earlier import, and no longer in its file.
        for student_id, enrolment in self.next_enrolments.items():
            if student_id in planned or enrolment.exit_date is not None:
                continue
            student = by_pk[student_id]
            enrolment.exit_date = max(self.leave_date, self.year.start_date)
            self.changed_enrolments.append(enrolment)
            section.add(
                Entry(
                    LEAVING,
                    student.full_name,
                    self.division_codes.get(enrolment.division_id or 0, ""),
                    [Change("Date de sortie", "—", show(enrolment.exit_date))],
                    f"absent du fichier de {self.year.label}",
                )
            )
        leavers = self.plan.section(
            "leavers", f"Élèves de {self.previous.label} absents du fichier"
        )
        for student_id, enrolment in self.previous_enrolments.items():
            if student_id in planned or enrolment.exit_date is not None:
                continue
            student = by_pk[student_id]
            if student.exit_date is not None:
                continue
            leavers.add(
                Entry(
                    LEAVING,
                    student.full_name,
                    self.division_codes.get(enrolment.division_id or 0, ""),
                    note=(
                        f"quittera l'établissement quand {self.year.label} deviendra l'année en "
                        f"cours ; son année {self.previous.label} reste telle quelle"
                    ),
                )
            )

    def _level_of(self, enrolment: Enrolment | None, levels: list[Level]) -> Level | None:
        if enrolment is None:
            return None
        if enrolment.division is not None:
            return enrolment.division.level
        return best_level(levels, enrolment.mef) if enrolment.mef else None

    def _is_repeating(self, target: Student, division: Division | None, mef: str) -> bool:
        """Same track and year in the cycle as the enrolment of the year before."""
        before = self._level_of(self.previous_enrolments.get(target.pk), self.previous_levels)
        now = division.level if division is not None else (best_level(self.levels.levels, mef))
        if before is None or now is None or before.track == Level.Track.OTHER:
            return False
        return (before.track, before.year_in_cycle) == (now.track, now.year_in_cycle)

    def _plan_next(self, section, record: SiecleStudent, target: Student | None) -> None:
        division = self.divisions.get(record.division or "")
        if record.current and division is None:
            self.without_class.append(record)
        wanted = self._wanted(record, division)
        context = division.code if division is not None else WITHOUT_CLASS
        year_values = {
            "division": division,
            "mef": wanted["mef"],
            "scheme": wanted["scheme"],
            "entry_date": wanted["entry_date"],
            "exit_date": wanted["exit_date"],
        }
        groups = record.groups if record.current else ()
        if target is None:
            # Until the new year is current, the pupil has not arrived (as
            # ``enrolments_sync`` mirrors it): no division, no exit date, their entry date.
            student = Student(
                school=self.school,
                **{name: wanted[name] for name in IDENTITY},
                entry_date=record.entry_date or self.year.start_date,
            )
            student.refresh_search_text()
            if not self._clean(record, student):
                return
            self.new_students.append(student)
            self._plan_memberships(student, division, groups)
            self.new_enrolments.append(Enrolment(student=student, year=self.year, **year_values))
            self.next_counts["arriving"] += 1
            note = "nouvel élève" + (f", sorti le {show(record.exit_date)}" if record.left else "")
            section.add(Entry(NEW, student.full_name, context, note=note, line=record.line))
            return
        changes: list[Change] = []
        names = set()
        for name, label in FIELDS:
            value = wanted[name]
            if name not in IDENTITY or _keeps(record, target, name, value):
                continue
            if getattr(target, name) != value:
                changes.append(Change(label, show(getattr(target, name)), show(value)))
                names.add(name)
        for name in names:
            setattr(target, name, wanted[name])
        if names & {"last_name", "first_name"}:
            target.refresh_search_text()
            names.add("search_text")
        if names and not self._clean(record, target):
            return
        if names:
            self.changed_fields |= names
            self.changed_students.append(target)
        repeating = self._is_repeating(target, division, str(wanted["mef"]))
        previous = self.previous_enrolments.get(target.pk)
        enrolment = self.next_enrolments.get(target.pk)
        note = ""
        if enrolment is None:
            old_division = previous.division_id if previous is not None else None
            old_code = self.division_codes.get(old_division) if old_division else None
            changes.append(Change("Division", show(old_code), context))
            enrolment = Enrolment(student=target, year=self.year, **year_values)
            enrolment.repeating = repeating
            self.new_enrolments.append(enrolment)
            if previous is None or previous.exit_date is not None:
                note = "de retour dans l'établissement"
        else:
            changed = self._enrolment_changes(record, enrolment, year_values, repeating)
            changes += changed
            if changed:
                self.changed_enrolments.append(enrolment)
        if repeating:
            note = "redoublant"
            self.next_counts["repeating"] += 1
        self.next_counts["continuing"] += 1
        group_change = self._plan_memberships(target, division, groups)
        if group_change is not None:
            changes.append(group_change)
        if not changes:
            section.unchanged()
            return
        section.add(Entry(CHANGED, target.full_name, context, changes, note, record.line))

    def _enrolment_changes(
        self, record: SiecleStudent, enrolment: Enrolment, values: dict, repeating: bool
    ) -> list[Change]:
        """Re-importing the next year's file: its enrolment follows the file."""
        changes = []
        for name, value in values.items():
            if name in ("mef", "entry_date") and value in (None, ""):
                continue
            if name == "division":
                if (value.pk if value is not None else None) == enrolment.division_id and (
                    value is None or value.pk is not None
                ):
                    continue
                old = self.division_codes.get(enrolment.division_id or 0)
                changes.append(
                    Change("Division", show(old), value.code if value else WITHOUT_CLASS)
                )
                enrolment.division = value
                continue
            if getattr(enrolment, name) != value:
                changes.append(
                    Change(FIELD_NAMES[name], show(getattr(enrolment, name)), show(value))
                )
                setattr(enrolment, name, value)
        if enrolment.repeating != repeating:
            changes.append(Change("Redoublant", show(enrolment.repeating), show(repeating)))
            enrolment.repeating = repeating
        return changes

    def _next_year_facts(self) -> list[tuple[str, str]]:
        assert self.previous is not None
        counts = getattr(self, "next_counts", Counter())
        leavers = self.plan.section("leavers", "").counts[LEAVING]
        facts = [
            (
                f"Élèves de {self.year.label}",
                f"{counts['continuing']} qui continuent (dont {counts['repeating']} "
                f"redoublant{'s' if counts['repeating'] > 1 else ''}), {counts['arriving']} "
                f"nouveau{'x' if counts['arriving'] > 1 else ''} ; {leavers} élève"
                f"{'s' if leavers > 1 else ''} de {self.previous.label} absent"
                f"{'s' if leavers > 1 else ''} du fichier",
            )
        ]
        if self.becomes_current:
            facts.append(
                (
                    "Année en cours",
                    f"{self.year.label} le devient à l'application de l'import (elle commence "
                    f"le {show(self.year.start_date)}) ; {self.previous.label} reste consultable",
                )
            )
        else:
            facts.append(
                (
                    "Année en cours",
                    f"{self.previous.label} le reste : {self.year.label} sera « à venir » "
                    f"jusqu'au {show(self.year.start_date)} ; le chef d'établissement peut y "
                    "passer avant depuis la page Paramètres",
                )
            )
        return facts

    @property
    def becomes_current(self) -> bool:
        """The next year is made current on applying when it has begun, or the current
        year has ended."""
        if self.previous is None:
            return False
        return self.today >= self.year.start_date or self.today > self.previous.end_date

    def _wanted(self, record: SiecleStudent, division: Division | None) -> dict[str, object]:
        ine = record.ine or ""
        if ine and not ine_is_valid(ine):
            self._warning(
                record,
                "ID_NATIONAL",
                ine,
                f"l'INE de {record.full_name} n'a pas la forme d'un INE (11 chiffres et "
                "lettres) : il n'est pas enregistré.",
            )
            ine = ""
        mef = (record.mef_code or "").strip().upper()
        scheme = scheme_of(
            mef,
            division=record.division,
            groups=record.groups,
            mef_label=self.nomenclature.mef_label(mef) if self.nomenclature else None,
        )
        return {
            "last_name": record.display_last_name,
            "first_name": record.first_name,
            "birth_date": record.birth_date,
            "sex": record.sex.value if record.sex else "",
            "ine": ine,
            "siecle_id": record.eleve_id,
            "elenoet": record.elenoet or "",
            "division": division,
            "mef": mef[:11],
            "scheme": scheme.value,
            "entry_date": record.entry_date,
            "exit_date": record.exit_date,
        }

    def _plan_current(self, section, record: SiecleStudent, target: Student | None) -> None:
        # A division without any MEF code is not created (warned once): its students are
        # stored without a class, as those SIECLE attaches to no division.
        division = self.divisions.get(record.division or "")
        if division is None:
            self.without_class.append(record)
        wanted = self._wanted(record, division)
        context = division.code if division is not None else WITHOUT_CLASS
        if target is None:
            self._create(section, record, wanted, context, groups=record.groups)
        else:
            self._update(section, record, target, wanted, context, groups=record.groups)

    def _plan_left(self, section, record: SiecleStudent, target: Student | None) -> None:
        division = self.divisions.get(record.division or "") if record.division else None
        wanted = self._wanted(record, division)
        context = (division.code if division else None) or record.pseudo_division or ""
        if target is None:
            self._create(
                section, record, wanted, context, note=f"sorti le {show(record.exit_date)}"
            )
        else:
            # A student who left keeps their groups: SIECLE no longer lists them.
            self._update(section, record, target, wanted, context)

    def _create(
        self,
        section,
        record: SiecleStudent,
        wanted: dict,
        context: str,
        *,
        note: str = "",
        groups: tuple[str, ...] = (),
    ) -> None:
        student = Student(school=self.school, **wanted)
        student.refresh_search_text()
        if not self._clean(record, student):
            return
        self.new_students.append(student)
        self._plan_memberships(student, wanted["division"], groups)
        section.add(Entry(NEW, student.full_name, context, note=note, line=record.line))

    def _update(
        self,
        section,
        record: SiecleStudent,
        student: Student,
        wanted: dict,
        context: str,
        *,
        groups: tuple[str, ...] | None = None,
    ) -> None:
        changes = []
        # The MEF code is kept since issue 15: filling it where appui had none is recorded
        # without showing every student of an older installation as changed.
        filled = {"mef"} if wanted["mef"] and not student.mef else set()
        for name, label in FIELDS:
            value = wanted[name]
            if name in filled or _keeps(record, student, name, value):
                continue
            if name == "division":
                old_pk = student.division_id
                if value is None:
                    if old_pk is None:
                        continue
                    old_code = self.division_codes.get(old_pk)
                    changes.append((name, Change(label, show(old_code), WITHOUT_CLASS)))
                    continue
                if value.pk is not None and value.pk == old_pk:
                    continue
                old_code = self.division_codes.get(old_pk) if old_pk is not None else None
                changes.append((name, Change(label, show(old_code), value.code)))
                continue
            old = getattr(student, name)
            if old == value:
                continue
            changes.append((name, Change(label, show(old), show(value))))
        names = {name for name, _change in changes} | filled
        was_present = student.exit_date is None
        for name in names:
            setattr(student, name, wanted[name])
        if names & {"last_name", "first_name"}:
            student.refresh_search_text()
            names.add("search_text")
        if names and not self._clean(record, student):
            return
        group_change = (
            self._plan_memberships(student, wanted["division"], groups)
            if groups is not None
            else None
        )
        listed = [change for _name, change in changes]
        if group_change is not None:
            listed.append(group_change)
        if not listed:
            section.unchanged()
            if filled:
                self.changed_fields |= names
                self.changed_students.append(student)
            return
        note = ""
        status = CHANGED
        if "exit_date" in names and wanted["exit_date"] and was_present:
            status = LEAVING
            note = f"sorti le {show(wanted['exit_date'])} d'après SIECLE"
        elif "exit_date" in names and not wanted["exit_date"]:
            note = "de retour dans l'établissement"
        section.add(Entry(status, student.full_name, context, listed, note, record.line))
        if names:
            self.changed_fields |= names
            self.changed_students.append(student)

    def _plan_memberships(
        self, student: Student, division: Division | None, codes: tuple[str, ...]
    ) -> Change | None:
        """Plan the student's groups as SIECLE lists them; the change, if any."""
        wanted = set(codes)
        current_ids = self.memberships.get(student.pk, set()) if student.pk else set()
        current = {self.group_codes[pk] for pk in current_ids if pk in self.group_codes}
        for code in sorted(wanted - current):
            group = self.groups.get(code)
            if group is None:
                group = StudentGroup(year=self.year, code=code[:30])
                self.groups[code] = group
                self.new_groups.append(group)
            self.group_students.append((group, student))
        for code in sorted(wanted):
            group = self.groups[code]
            if division is None:
                continue
            key = (id(group), id(division))
            if key in self.planned_links or (group.pk, division.pk) in self.existing_links:
                continue
            self.planned_links.add(key)
            self.group_divisions.append((group, division))
        for pk in current_ids:
            if self.group_codes.get(pk) not in wanted:
                self.dropped_memberships[pk].append(student.pk)
        if student.pk is None or wanted == current:
            return None
        return Change("Groupes", show(", ".join(sorted(current))), show(", ".join(sorted(wanted))))

    def _leave(self, section, student: Student, note: str, line: int | None) -> None:
        student.exit_date = self.leave_date
        self.changed_fields.add("exit_date")
        self.changed_students.append(student)
        division_id = student.division_id
        context = self.division_codes.get(division_id, "") if division_id is not None else ""
        section.add(
            Entry(
                LEAVING,
                student.full_name,
                context,
                [Change("Date de sortie", "—", show(self.leave_date))],
                note,
                line,
            )
        )

    def _clean(self, record: SiecleStudent, student: Student) -> bool:
        # Field validation only: full_clean() would query the database for the unique
        # constraints of every student; _check_unique_keys checks them for the whole plan.
        try:
            student.clean_fields(exclude=CLEAN_EXCLUDE)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self._error(
                    record,
                    name,
                    str(getattr(student, name, "")),
                    f"{record.full_name} : {FIELD_NAMES.get(name, name)} — {' '.join(messages)}",
                )
            return False
        return True

    def _load_groups(self) -> None:
        """This year's groups, who is in them and which divisions they draw from."""
        self.group_codes = {group.pk: code for code, group in self.groups.items()}
        self.memberships: dict[int, set[int]] = defaultdict(set)
        self.existing_links: set[tuple[int, int]] = set()
        self.planned_links: set[tuple[int, int]] = set()
        self.dropped_memberships: dict[int, list[int]] = defaultdict(list)
        if not self.year.pk:
            return
        students = StudentGroup.students.through.objects.filter(studentgroup__year=self.year)
        for student_id, group_id in students.values_list("student_id", "studentgroup_id"):
            self.memberships[student_id].add(group_id)
        divisions = StudentGroup.divisions.through.objects.filter(studentgroup__year=self.year)
        self.existing_links = set(divisions.values_list("studentgroup_id", "division_id"))

    def _check_unique_keys(self) -> None:
        """INE and SIECLE id stay unique in the school once the plan is written."""
        final: dict[int, Student] = {id(s): s for s in self.db_students}
        final.update({id(s): s for s in self.new_students})
        for key, label in (("ine", "INE"), ("siecle_id", "identifiant SIECLE")):
            seen: dict[str, Student] = {}
            for student in final.values():
                value = getattr(student, key)
                if not value:
                    continue
                other = seen.get(value)
                if other is not None:
                    self.plan.issues.append(
                        ImportIssue(
                            file=self.export.file_name,
                            line=None,
                            field=label,
                            value=value,
                            message=(
                                f"{student.full_name} et {other.full_name} auraient le même "
                                f"{label} : corrigez le fichier ou la fiche de l'élève."
                            ),
                        )
                    )
                seen[value] = student

    def _error(self, record: SiecleStudent, field: str, value: str | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.export.file_name,
                line=record.line,
                field=field,
                value=value,
                message=message,
            )
        )

    def _warning(self, record: SiecleStudent, field: str, value: str | None, message: str) -> None:
        self.plan.issues.append(
            ImportIssue(
                file=self.export.file_name,
                line=record.line,
                field=field,
                value=value,
                message=message,
                severity=Severity.WARNING,
            )
        )

    # ------------------------------------------------------------------ writing
    def write(self, *, user=None) -> School:
        """Write the plan (the caller holds the transaction)."""
        if self.creates_school:
            self.school.full_clean()
            self.school.save()
        if self.creates_year:
            self.year.school = self.school
            self.year.full_clean(exclude=["school"])
            self.year.save()
            Period.objects.bulk_create(self.new_periods)
        if user is not None and getattr(user, "is_authenticated", False) and self.creates_school:
            # Whoever creates the school runs it in appui until they hand the role over.
            Membership.objects.get_or_create(
                user=user, school=self.school, role=Membership.Role.HEAD
            )
        Level.objects.bulk_create(self.levels.new)
        Division.objects.bulk_create(self.new_divisions)
        # Changes first: an INE a student of appui gives up may be a new student's.
        if self.changed_students:
            Student.objects.bulk_update(
                self.changed_students, sorted(self.changed_fields), batch_size=500
            )
        Student.objects.bulk_create(self.new_students, batch_size=500)
        StudentGroup.objects.bulk_create(self.new_groups)
        division_through = StudentGroup.divisions.through
        division_through.objects.bulk_create(
            [
                division_through(studentgroup_id=group.pk, division_id=division.pk)
                for group, division in self.group_divisions
            ],
            ignore_conflicts=True,
        )
        student_through = StudentGroup.students.through
        for group_id, student_ids in self.dropped_memberships.items():
            # Membership of a group is the current state SIECLE gives, not history.
            student_through.objects.filter(
                studentgroup_id=group_id, student_id__in=student_ids
            ).delete()
        student_through.objects.bulk_create(
            [
                student_through(studentgroup_id=group.pk, student_id=student.pk)
                for group, student in self.group_students
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        if self.previous is None:
            # The current year's enrolments hold what the pupils now say.
            record_enrolments(
                self.year, [*self.in_file, *self.changed_students, *self.new_students]
            )
            return self.school
        Enrolment.objects.bulk_create(self.new_enrolments, batch_size=500)
        Enrolment.objects.bulk_update(
            self.changed_enrolments,
            ["division", "mef", "scheme", "entry_date", "exit_date", "repeating"],
            batch_size=500,
        )
        tutorships_propose(previous=self.previous, year=self.year, today=self.today)
        if self.becomes_current:
            year_make_current(year=self.year, user=user)
        return self.school
