"""STS-web exports (``sts_emp_<UAI>_<year>.xml``, root ``STS_EDT``) read into plain records.

The file gives the staff (function, subjects, professeur principal duties), the divisions
and groups with their services and teachers. Timetabling products write files for STS-web
that look alike (root ``EDT_STS``, or ``PARAMETRES/APPLICATION_SOURCE``): they describe the
timetable, not the official services, and are refused with a French explanation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from appui.core.io._files import Source
from appui.core.io._xml import (
    Element,
    Fields,
    IssueLog,
    child_or_self,
    child_text,
    load_xml,
    local_name,
    records,
    refuse_root,
)
from appui.core.io.errors import HasIssues, ImportFileError, ImportIssue, Severity
from appui.core.io.values import Sex, ValueProblem, fold, parse_int, parse_sex

__all__ = [
    "Civility",
    "StsDiscipline",
    "StsDivision",
    "StsExport",
    "StsGroup",
    "StsIndividual",
    "StsMainTeacher",
    "StsParameters",
    "StsService",
    "StsSubject",
    "StsTeacherRef",
    "parse_sts",
]


class Civility(StrEnum):
    """Civility as the LSU spells it."""

    M = "M"
    MME = "MME"

    @property
    def label(self) -> str:
        """French abbreviation."""
        return "M." if self is Civility.M else "Mme"


# STS-web writes civility as a code (1 = M., 2 = Mme, 3 = Mlle, now merged into Mme); some
# files carry the abbreviation instead.
_CIVILITIES = {
    "1": Civility.M,
    "m": Civility.M,
    "mr": Civility.M,
    "monsieur": Civility.M,
    "2": Civility.MME,
    "3": Civility.MME,
    "mme": Civility.MME,
    "mlle": Civility.MME,
    "madame": Civility.MME,
    "mademoiselle": Civility.MME,
}


@dataclass(frozen=True, slots=True)
class StsParameters:
    """The school and school year (start year) the file describes."""

    uai: str
    school_year: int

    @property
    def school_year_label(self) -> str:
        """``"2026-2027"`` for ``school_year`` 2026."""
        return f"{self.school_year}-{self.school_year + 1}"


@dataclass(frozen=True, slots=True)
class StsSubject:
    """A subject (``MATIERE``) of the file's nomenclature."""

    code: str
    management_code: str | None = None
    short_label: str | None = None
    long_label: str | None = None
    edition_label: str | None = None

    @property
    def label(self) -> str:
        """The best label available, for display."""
        return self.edition_label or self.long_label or self.short_label or self.code

    def label_within(self, max_length: int) -> str | None:
        """The most explicit label no longer than ``max_length`` (the LSU allows 40)."""
        for label in (self.edition_label, self.long_label, self.short_label):
            if label and len(label) <= max_length:
                return label
        return None


@dataclass(frozen=True, slots=True)
class StsDiscipline:
    """A discipline (teaching specialism) of a staff member."""

    code: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class StsMainTeacher:
    """A professeur principal duty: the division and, when set, its end date."""

    division_code: str
    end_date: date | None = None


@dataclass(frozen=True, slots=True)
class StsIndividual:
    """A staff member. ``id`` is STS-web's identifier, stable from year to year."""

    id: str
    type: str
    last_name: str
    first_name: str
    line: int
    birth_name: str | None = None
    sex: Sex | None = None
    civility: Civility | None = None
    birth_date: date | None = None
    grade: str | None = None
    function: str | None = None
    disciplines: tuple[StsDiscipline, ...] = ()
    main_teacher_of: tuple[StsMainTeacher, ...] = ()

    @property
    def is_teacher(self) -> bool:
        """True for teaching staff (function ``ENS``)."""
        return self.function == "ENS"

    @property
    def full_name(self) -> str:
        """``"NOM Prénom"`` for messages."""
        return f"{self.last_name} {self.first_name}"


@dataclass(frozen=True, slots=True)
class StsTeacherRef:
    """A teacher named in a service."""

    id: str
    type: str | None = None


@dataclass(frozen=True, slots=True)
class StsService:
    """A subject taught to a division or group, with its teachers."""

    subject_code: str
    course_mode: str | None = None
    teachers: tuple[StsTeacherRef, ...] = ()


@dataclass(frozen=True, slots=True)
class StsDivision:
    """A division (class) with its MEFs and services."""

    code: str
    line: int
    label: str | None = None
    planned_size: int | None = None
    mef_codes: tuple[str, ...] = ()
    services: tuple[StsService, ...] = ()


@dataclass(frozen=True, slots=True)
class StsGroup:
    """A group drawn from one or more divisions, with its services."""

    code: str
    line: int
    label: str | None = None
    division_codes: tuple[str, ...] = ()
    mef_codes: tuple[str, ...] = ()
    services: tuple[StsService, ...] = ()


@dataclass(slots=True)
class StsExport(HasIssues):
    """Everything read from one STS-web export."""

    file_name: str
    parameters: StsParameters
    subjects: dict[str, StsSubject] = field(default_factory=dict)
    individuals: list[StsIndividual] = field(default_factory=list)
    divisions: list[StsDivision] = field(default_factory=list)
    groups: list[StsGroup] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def teachers(self) -> list[StsIndividual]:
        """Teaching staff only."""
        return [person for person in self.individuals if person.is_teacher]

    def individuals_by_id(self) -> dict[str, StsIndividual]:
        """Staff members by STS-web identifier."""
        return {person.id: person for person in self.individuals}

    def main_teachers(self, division_code: str) -> list[StsIndividual]:
        """Professeurs principaux of a division."""
        return [
            person
            for person in self.individuals
            if any(duty.division_code == division_code for duty in person.main_teacher_of)
        ]

    def teaching_assignments(self) -> Iterator[tuple[str, str, StsService]]:
        """Every (``"D"`` or ``"G"``, structure code, service) of the file."""
        for division in self.divisions:
            for service in division.services:
                yield "D", division.code, service
        for group in self.groups:
            for service in group.services:
                yield "G", group.code, service


def parse_sts(source: Source, file_name: str | None = None) -> StsExport:
    """Read an STS-web export (plain XML or zipped).

    Raises :class:`~appui.core.io.errors.ImportFileError` for a file that cannot be used as a
    whole, including one produced by a timetabling product; per-record problems are listed
    in :attr:`StsExport.issues`.
    """
    root, name, warnings = load_xml(source, file_name, preferred=(), exported_by="STS-web")
    _refuse_timetabling_product(root, name)
    if local_name(root) != "STS_EDT":
        raise refuse_root(
            root,
            name,
            expected="un export STS-web",
            advice="Choisissez le fichier sts_emp_UAI_année.xml exporté depuis STS-web.",
        )
    issues = IssueLog(name, warnings)
    # In the file's order, so that the issues are listed as a reader meets them.
    parameters = _parameters(root, name)
    individuals = _individuals(root, issues)
    divisions = _divisions(root, issues)
    division_codes = {division.code for division in divisions}
    export = StsExport(
        file_name=name,
        parameters=parameters,
        subjects=_subjects(root),
        individuals=individuals,
        divisions=divisions,
        groups=_groups(root, issues, division_codes),
        issues=issues.items,
    )
    _check_references(export, issues, division_codes)
    return export


def _subjects(root: Element) -> dict[str, StsSubject]:
    """The subjects of the nomenclature by code."""
    subjects: dict[str, StsSubject] = {}
    for element in records(root, "NOMENCLATURES/MATIERES/MATIERE"):
        code = (element.get("CODE") or "").strip()
        if code:
            subjects[code] = StsSubject(
                code=code,
                management_code=child_text(element, "CODE_GESTION"),
                short_label=child_text(element, "LIBELLE_COURT"),
                long_label=child_text(element, "LIBELLE_LONG"),
                edition_label=child_text(element, "LIBELLE_EDITION"),
            )
    return subjects


def _individuals(root: Element, issues: IssueLog) -> list[StsIndividual]:
    """Staff members, each identifier once (later duplicates are reported and ignored)."""
    individuals: list[StsIndividual] = []
    seen: set[str] = set()
    for element in records(root, "DONNEES/INDIVIDUS/INDIVIDU"):
        person = _individual(element, issues)
        if person is None:
            continue
        if person.id in seen:
            issues.error(
                element,
                "ID",
                person.id,
                f"l'identifiant de {person.full_name} apparaît plusieurs fois : ignoré.",
            )
            continue
        seen.add(person.id)
        individuals.append(person)
    return individuals


def _divisions(root: Element, issues: IssueLog) -> list[StsDivision]:
    """Divisions with a code, each code once."""
    divisions: list[StsDivision] = []
    division_codes: set[str] = set()
    for element in records(root, "DONNEES/STRUCTURE/DIVISIONS/DIVISION"):
        code = (element.get("CODE") or "").strip()
        if not code:
            issues.error(element, "CODE", None, "une division n'a pas de code : ignorée.")
            continue
        if code in division_codes:
            issues.error(element, "CODE", code, f"la division « {code} » apparaît plusieurs fois.")
            continue
        division_codes.add(code)
        size_text = child_text(element, "EFFECTIF_PREVU")
        try:
            size = parse_int(size_text, minimum=0)
        except ValueProblem as problem:
            issues.warning(
                child_or_self(element, "EFFECTIF_PREVU"), "EFFECTIF_PREVU", size_text, str(problem)
            )
            size = None
        divisions.append(
            StsDivision(
                code=code,
                line=element.sourceline,
                label=child_text(element, "LIBELLE_LONG"),
                planned_size=size,
                mef_codes=_codes(element, "MEFS_APPARTENANCE/MEF_APPARTENANCE"),
                services=_services(element),
            )
        )
    return divisions


def _groups(root: Element, issues: IssueLog, division_codes: set[str]) -> list[StsGroup]:
    """Groups with a code, each code once; a warning for each division they cite but lack."""
    groups: list[StsGroup] = []
    group_codes: set[str] = set()
    for element in records(root, "DONNEES/STRUCTURE/GROUPES/GROUPE"):
        code = (element.get("CODE") or "").strip()
        if not code:
            issues.error(element, "CODE", None, "un groupe n'a pas de code : ignoré.")
            continue
        if code in group_codes:
            issues.error(element, "CODE", code, f"le groupe « {code} » apparaît plusieurs fois.")
            continue
        group_codes.add(code)
        group = StsGroup(
            code=code,
            line=element.sourceline,
            label=child_text(element, "LIBELLE_LONG"),
            division_codes=_codes(element, "DIVISIONS_APPARTENANCE/DIVISION_APPARTENANCE"),
            mef_codes=_codes(element, "MEFS_APPARTENANCE/MEF_APPARTENANCE"),
            services=_services(element),
        )
        for unknown in sorted(set(group.division_codes) - division_codes):
            issues.warning(
                element,
                "DIVISION_APPARTENANCE",
                unknown,
                f"le groupe « {code} » cite la division « {unknown} », absente du fichier.",
            )
        groups.append(group)
    return groups


def _refuse_timetabling_product(root: Element, file_name: str) -> None:
    source = root.find("PARAMETRES/APPLICATION_SOURCE")
    if local_name(root) != "EDT_STS" and source is None:
        return
    product = None
    if source is not None:
        product = child_text(root, "PARAMETRES/APPLICATION_SOURCE") or source.get("NOM")
    named = f" ({product})" if product else ""
    raise ImportFileError.single(
        file_name,
        f"ce fichier a été produit par un logiciel d'emploi du temps{named}, pas exporté par "
        "STS-web : il décrit l'emploi du temps et non les services officiels. Exportez depuis "
        "STS-web le fichier sts_emp_UAI_année.xml et importez celui-ci.",
        line=(source if source is not None else root).sourceline,
        field="APPLICATION_SOURCE" if source is not None else local_name(root),
    )


def _parameters(root: Element, file_name: str) -> StsParameters:
    uai_element = root.find("PARAMETRES/UAJ")
    uai = (uai_element.get("CODE") or "").strip() if uai_element is not None else ""
    if not uai:
        raise ImportFileError.single(
            file_name,
            "le code UAI de l'établissement (PARAMETRES/UAJ, attribut CODE) manque.",
            line=(uai_element if uai_element is not None else root).sourceline,
            field="UAJ",
        )
    year_element = root.find("PARAMETRES/ANNEE_SCOLAIRE")
    year = (year_element.get("ANNEE") or "").strip() if year_element is not None else ""
    if not (year.isdigit() and len(year) == 4):
        raise ImportFileError.single(
            file_name,
            "l'année scolaire (PARAMETRES/ANNEE_SCOLAIRE, attribut ANNEE) manque ou n'est pas "
            "une année sur 4 chiffres.",
            line=(year_element if year_element is not None else root).sourceline,
            field="ANNEE_SCOLAIRE",
            value=year or None,
        )
    return StsParameters(uai=uai.upper(), school_year=int(year))


def _individual(element: Element, issues: IssueLog) -> StsIndividual | None:
    fields = Fields(element)
    person_id = (element.get("ID") or "").strip()
    last_name = fields.text("NOM_USAGE") or fields.text("NOM_PATRONYMIQUE")
    first_name = fields.text("PRENOM")
    who = " ".join(part for part in (last_name, first_name) if part) or "un personnel"
    if not person_id:
        issues.error(element, "ID", None, f"l'identifiant STS de {who} manque : ignoré.")
        return None
    if last_name is None or first_name is None:
        issues.error(
            element,
            "NOM_USAGE" if last_name is None else "PRENOM",
            None,
            f"le nom ou le prénom manque (identifiant {person_id}) : ignoré.",
        )
        return None
    who = f"{last_name} {first_name}"
    sex_text = fields.text("SEXE")
    try:
        sex = parse_sex(sex_text)
    except ValueProblem as problem:
        issues.warning(fields.at("SEXE"), "SEXE", sex_text, f"{who} : {problem}")
        sex = None
    civility_text = fields.text("CIVILITE")
    civility = _CIVILITIES.get(fold(civility_text or ""))
    if civility_text and civility is None:
        issues.warning(
            fields.at("CIVILITE"),
            "CIVILITE",
            civility_text,
            f"civilité de {who} non reconnue.",
        )
    if civility is None and sex is not None:
        civility = Civility.M if sex is Sex.M else Civility.MME
    duties = tuple(
        StsMainTeacher(
            division_code=code,
            end_date=issues.date(Fields(duty), "DATE_FIN", Severity.WARNING, who),
        )
        for duty in records(element, "PROFS_PRINC/PROF_PRINC")
        if (code := child_text(duty, "CODE_STRUCTURE")) is not None
    )
    disciplines = tuple(
        StsDiscipline(code=code, label=child_text(discipline, "LIBELLE_COURT"))
        for discipline in records(element, "DISCIPLINES/DISCIPLINE")
        if (code := (discipline.get("CODE") or "").strip())
    )
    function = fields.text("FONCTION")
    return StsIndividual(
        id=person_id,
        type=(element.get("TYPE") or "").strip() or "epp",
        last_name=last_name,
        first_name=first_name,
        line=element.sourceline,
        birth_name=fields.text("NOM_PATRONYMIQUE"),
        sex=sex,
        civility=civility,
        birth_date=issues.date(fields, "DATE_NAISSANCE", Severity.WARNING, who),
        grade=fields.text("GRADE"),
        function=function.upper() if function else None,
        disciplines=disciplines,
        main_teacher_of=duties,
    )


def _codes(element: Element, path: str) -> tuple[str, ...]:
    codes = ((item.get("CODE") or "").strip() for item in records(element, path))
    return tuple(dict.fromkeys(code for code in codes if code))


def _services(element: Element) -> tuple[StsService, ...]:
    services = []
    for service in records(element, "SERVICES/SERVICE"):
        subject = (service.get("CODE_MATIERE") or "").strip()
        if not subject:
            continue
        teachers = tuple(
            StsTeacherRef(id=teacher_id, type=(teacher.get("TYPE") or "").strip() or None)
            for teacher in records(service, "ENSEIGNANTS/ENSEIGNANT")
            if (teacher_id := (teacher.get("ID") or "").strip())
        )
        services.append(
            StsService(
                subject_code=subject,
                course_mode=(service.get("CODE_MOD_COURS") or "").strip() or None,
                teachers=teachers,
            )
        )
    return tuple(services)


def _check_references(export: StsExport, issues: IssueLog, division_codes: set[str]) -> None:
    """Warn about services naming unknown teachers or subjects, and duties on unknown divisions."""
    known_people = {person.id for person in export.individuals}
    lines = {("D", d.code): d.line for d in export.divisions}
    lines.update({("G", g.code): g.line for g in export.groups})
    for kind, code, service in export.teaching_assignments():
        where = ("la division" if kind == "D" else "le groupe") + f" « {code} »"
        line = lines[(kind, code)]
        if export.subjects and service.subject_code not in export.subjects:
            issues.warning(
                line,
                "CODE_MATIERE",
                service.subject_code,
                f"{where} a un service dans une matière absente de la nomenclature du fichier.",
            )
        for teacher in service.teachers:
            if teacher.id not in known_people:
                issues.warning(
                    line,
                    "ENSEIGNANT",
                    teacher.id,
                    f"{where} a un service assuré par un enseignant absent du fichier.",
                )
    for person in export.individuals:
        for duty in person.main_teacher_of:
            if duty.division_code not in division_codes:
                issues.warning(
                    person.line,
                    "PROF_PRINC",
                    duty.division_code,
                    f"{person.full_name} est professeur principal d'une division absente du fichier.",
                )
