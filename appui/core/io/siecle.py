"""SIECLE student exports (``ElevesSansAdresses.xml`` / ``ElevesAvecAdresses.xml``) and
``Nomenclature.xml``, read into plain records.

The parser only reads and checks: it returns every student found, flags those who left
(``DATE_SORTIE`` set) or sit in a pseudo-division such as ``Inactifs``, and lists the problems
found per student as :class:`~appui.core.io.errors.ImportIssue`. A present student is kept
whatever their MEF code (an unknown one is the import's business: a level « à préciser ») and
whether or not they are in a class.

One INE on two lines: two present students is an error naming both lines; when one of them
(or both) left, it is a warning naming both lines and the INE stays with the present student
(or, between two leavers, the one who left last); the other is read without INE. Matching with the database,
the preview and the transaction belong to the Django side. A file that cannot be read at all
(truncated, malformed, wrong kind) raises :class:`~appui.core.io.errors.ImportFileError`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from appui.core.io._files import Source
from appui.core.io._xml import (
    Element,
    Fields,
    IssueLog,
    child_text,
    load_xml,
    local_name,
    records,
    refuse_root,
)
from appui.core.io.errors import HasIssues, ImportFileError, ImportIssue, Severity
from appui.core.io.mef import Level, Track, level_from_mef
from appui.core.io.values import Sex, ValueProblem, fold, parse_number, parse_sex

__all__ = [
    "DEFAULT_PSEUDO_DIVISIONS",
    "Level",
    "Nomenclature",
    "NomenclatureMef",
    "NomenclatureProgramme",
    "NomenclatureSubject",
    "SiecleExport",
    "SiecleOption",
    "SiecleParameters",
    "SiecleStudent",
    "Track",
    "level_from_mef",
    "parse_nomenclature",
    "parse_siecle",
]

STUDENT_FILES = ("ElevesSansAdresses.xml", "ElevesAvecAdresses.xml")

#: Division codes SIECLE uses for students who are no longer in a real class (compared
#: after :func:`~appui.core.io.values.fold`, so case and accents do not matter).
DEFAULT_PSEUDO_DIVISIONS = frozenset({"inactifs", "inactif"})


@dataclass(frozen=True, slots=True)
class SiecleParameters:
    """``PARAMETRES`` of the export: the school and the school year it describes."""

    uai: str
    school_year: int
    export_date: date | None = None
    timestamp: str | None = None

    @property
    def school_year_label(self) -> str:
        """``"2026-2027"`` for ``school_year`` 2026."""
        return f"{self.school_year}-{self.school_year + 1}"


@dataclass(frozen=True, slots=True)
class SiecleOption:
    """One option a student takes (``OPTIONS_ELEVE``)."""

    subject_code: str
    modality_code: str | None = None
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class SiecleStudent:
    """A student as exported by SIECLE.

    ``eleve_id`` (``ELEVE_ID``) is the stable key to match re-imports, with ``ine`` as a
    second key; never match on names. ``division`` is ``None`` for a student attached to a
    pseudo-division (kept in ``pseudo_division``) or to no division at all. ``line`` is the
    line of the ``ELEVE`` element in the file.
    """

    eleve_id: str
    last_name: str
    first_name: str
    line: int
    elenoet: str | None = None
    ine: str | None = None
    usage_name: str | None = None
    other_first_names: tuple[str, ...] = ()
    birth_date: date | None = None
    sex: Sex | None = None
    mef_code: str | None = None
    level: Level | None = None
    status_code: str | None = None
    regime_code: str | None = None
    repeating: bool | None = None
    entry_date: date | None = None
    exit_date: date | None = None
    exit_reason_code: str | None = None
    email: str | None = None
    birth_city: str | None = None
    birth_country_code: str | None = None
    previous_school_uai: str | None = None
    previous_structure: str | None = None
    division: str | None = None
    pseudo_division: str | None = None
    groups: tuple[str, ...] = ()
    options: tuple[SiecleOption, ...] = ()
    #: The INE of the file this student gave up to another line holding it (see
    #: :func:`parse_siecle`): appui must not keep it for them either.
    shared_ine: str | None = None

    @property
    def left(self) -> bool:
        """True when SIECLE gives an exit date: the student left and must not be current."""
        return self.exit_date is not None

    @property
    def current(self) -> bool:
        """True for a student still in the school: no exit date and not in a pseudo-division
        (with or without a real division)."""
        return not self.left and self.pseudo_division is None

    @property
    def without_class(self) -> bool:
        """True for a present student SIECLE attaches to no division."""
        return self.current and self.division is None

    @property
    def display_last_name(self) -> str:
        """The name the school uses: ``NOM_USAGE`` when given, else ``NOM_DE_FAMILLE``."""
        return self.usage_name or self.last_name

    @property
    def full_name(self) -> str:
        """``"NOM Prénom"`` for messages."""
        return f"{self.display_last_name} {self.first_name}"


@dataclass(slots=True)
class SiecleExport(HasIssues):
    """Everything read from one SIECLE student export."""

    file_name: str
    parameters: SiecleParameters
    students: list[SiecleStudent] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def current_students(self) -> list[SiecleStudent]:
        """Students still in the school (see :attr:`SiecleStudent.current`)."""
        return [student for student in self.students if student.current]

    @property
    def left_students(self) -> list[SiecleStudent]:
        """Students with an exit date."""
        return [student for student in self.students if student.left]

    @property
    def divisions(self) -> list[str]:
        """Codes of the real divisions holding at least one current student, sorted."""
        return sorted({s.division for s in self.current_students if s.division is not None})

    @property
    def groups(self) -> list[str]:
        """Codes of the groups holding at least one current student, sorted."""
        return sorted({code for s in self.current_students for code in s.groups})


def parse_siecle(
    source: Source,
    file_name: str | None = None,
    *,
    pseudo_divisions: Iterable[str] = DEFAULT_PSEUDO_DIVISIONS,
) -> SiecleExport:
    """Read a SIECLE student export, plain XML or the zip SIECLE produces.

    ``source`` is bytes, a path or an open binary file; ``file_name`` is the name shown in
    messages (default: the source's own name). Raises
    :class:`~appui.core.io.errors.ImportFileError` when the file as a whole cannot be used;
    per-student problems are listed in :attr:`SiecleExport.issues`.
    """
    root, name, warnings = load_xml(
        source, file_name, preferred=STUDENT_FILES, exported_by="SIECLE"
    )
    if local_name(root) != "BEE_ELEVES":
        raise refuse_root(
            root,
            name,
            expected="un export SIECLE des élèves",
            advice=(
                "Choisissez ElevesSansAdresses.xml (ou l'archive "
                "ExportXML_ElevesSansAdresses.zip) exporté depuis SIECLE."
            ),
        )
    issues = IssueLog(name, warnings)
    export = SiecleExport(file_name=name, parameters=_parameters(root, issues), issues=issues.items)
    folded_pseudo = {fold(code) for code in pseudo_divisions}
    structures = _structures(root, issues)
    options = _options(root)
    seen_ids: set[str] = set()
    for element in records(root, "DONNEES/ELEVES/ELEVE"):
        student = _student(element, issues, structures, options, folded_pseudo)
        if student is None:
            continue
        if student.eleve_id in seen_ids:
            issues.error(
                element,
                "ELEVE_ID",
                student.eleve_id,
                f"l'identifiant ELEVE_ID apparaît plusieurs fois : {student.full_name} est ignoré.",
            )
            continue
        seen_ids.add(student.eleve_id)
        export.students.append(student)
    export.students = _shared_ines(export.students, issues)
    if not export.students and not export.has_errors:
        issues.error(root, "ELEVES", None, "le fichier ne contient aucun élève.")
    return export


def _shared_ines(students: list[SiecleStudent], issues: IssueLog) -> list[SiecleStudent]:
    """Apply the rule for an INE found on several lines (see the module's docstring)."""
    by_ine: dict[str, list[SiecleStudent]] = defaultdict(list)
    for student in students:
        if student.ine is not None:
            by_ine[student.ine].append(student)
    without_ine: set[str] = set()
    for ine, holders in by_ine.items():
        if len(holders) < 2:
            continue
        present = [student for student in holders if student.current]
        keeper = present[0] if present else max(holders, key=_left_last)
        for other in present[1:]:
            issues.error(
                other.line,
                "ID_NATIONAL",
                ine,
                f"l'INE {ine} est celui de deux élèves présents : {keeper.full_name} "
                f"(ligne {keeper.line}) et {other.full_name} (ligne {other.line}). "
                "Corrigez l'INE dans SIECLE.",
            )
        for other in holders:
            if other is keeper or other.current:
                continue
            issues.warning(
                other.line,
                "ID_NATIONAL",
                ine,
                f"l'INE {ine} de {other.full_name} (ligne {other.line}, sorti"
                f"{f' le {other.exit_date:%d/%m/%Y}' if other.exit_date else ''}) est aussi "
                f"celui de {keeper.full_name} (ligne {keeper.line}"
                f"{', présent' if keeper.current else ''}) : l'INE reste à "
                f"{keeper.full_name} ; {other.full_name} est enregistré sans INE.",
            )
            without_ine.add(other.eleve_id)
    if not without_ine:
        return students
    return [
        replace(student, ine=None, shared_ine=student.ine)
        if student.eleve_id in without_ine
        else student
        for student in students
    ]


def _left_last(student: SiecleStudent) -> tuple[date, int]:
    return (student.exit_date or date.min, student.line)


def _parameters(root: Element, issues: IssueLog) -> SiecleParameters:
    params = root.find("PARAMETRES")
    if params is None:
        raise ImportFileError.single(
            issues.file_name,
            "l'élément PARAMETRES manque : le fichier n'est pas un export SIECLE complet.",
            line=root.sourceline,
            field="PARAMETRES",
        )
    uai = child_text(params, "UAJ")
    if uai is None:
        raise ImportFileError.single(
            issues.file_name,
            "le code UAI de l'établissement (UAJ) manque dans PARAMETRES.",
            line=params.sourceline,
            field="UAJ",
        )
    year_text = child_text(params, "ANNEE_SCOLAIRE")
    if year_text is None or not (year_text.isdigit() and len(year_text) == 4):
        raise ImportFileError.single(
            issues.file_name,
            "l'année scolaire (ANNEE_SCOLAIRE) manque ou n'est pas une année sur 4 chiffres.",
            line=params.sourceline,
            field="ANNEE_SCOLAIRE",
            value=year_text,
        )
    export_date = issues.date(Fields(params), "DATE_EXPORT", Severity.WARNING)
    return SiecleParameters(
        uai=uai.upper(),
        school_year=int(year_text),
        export_date=export_date,
        timestamp=child_text(params, "HORODATAGE"),
    )


def _structures(root: Element, issues: IssueLog) -> dict[str, tuple[list[str], list[str]]]:
    """ELEVE_ID → (division codes, group codes), in file order."""
    result: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for holder in records(root, "DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        eleve_id = (holder.get("ELEVE_ID") or "").strip()
        if not eleve_id:
            continue
        divisions, groups = result[eleve_id]
        for structure in records(holder, "STRUCTURE"):
            fields = Fields(structure)
            code = fields.text("CODE_STRUCTURE")
            kind = (fields.text("TYPE_STRUCTURE") or "").upper()
            if code is None:
                continue
            if kind == "D":
                divisions.append(code)
            elif kind == "G":
                groups.append(code)
            else:
                issues.warning(
                    structure,
                    "TYPE_STRUCTURE",
                    kind or None,
                    f"type de structure inconnu pour « {code} » (attendu D ou G) : ignorée.",
                )
    return result


def _options(root: Element) -> dict[str, list[SiecleOption]]:
    result: dict[str, list[SiecleOption]] = defaultdict(list)
    for holder in records(root, "DONNEES/OPTIONS/OPTION"):
        eleve_id = (holder.get("ELEVE_ID") or "").strip()
        for option in records(holder, "OPTIONS_ELEVE"):
            fields = Fields(option)
            subject = fields.text("CODE_MATIERE")
            if not eleve_id or subject is None:
                continue
            rank_text = fields.text("NUM_OPTION")
            result[eleve_id].append(
                SiecleOption(
                    subject_code=subject,
                    modality_code=fields.text("CODE_MODALITE_ELECT"),
                    rank=int(rank_text) if rank_text and rank_text.isdigit() else None,
                )
            )
    return result


def _placement(
    element: Element,
    divisions: list[str],
    pseudo_divisions: set[str],
    exit_date: date | None,
    who: str,
    issues: IssueLog,
) -> tuple[str | None, str | None]:
    """(division, pseudo-division) of a student from their structures, with warnings."""
    division: str | None = None
    pseudo: str | None = None
    real = [code for code in divisions if fold(code) not in pseudo_divisions]
    fake = [code for code in divisions if fold(code) in pseudo_divisions]
    if real:
        division = real[0]
        if len(set(real)) > 1:
            issues.warning(
                element,
                "CODE_STRUCTURE",
                ", ".join(real),
                f"{who} est rattaché à plusieurs divisions : seule « {division} » est retenue.",
            )
    elif fake:
        pseudo = fake[0]
        if exit_date is None:
            issues.warning(
                element,
                "CODE_STRUCTURE",
                pseudo,
                f"{who} est dans la pseudo-division « {pseudo} » sans date de sortie : "
                "il n'est pas importé comme élève présent.",
            )
    elif exit_date is None:
        issues.warning(
            element,
            "CODE_STRUCTURE",
            None,
            f"{who} n'est rattaché à aucune division : il est importé comme élève sans classe.",
        )
    return division, pseudo


# About 80 lines: checks, then one constructor call listing every field read from the file.
def _student(
    element: Element,
    issues: IssueLog,
    structures: dict[str, tuple[list[str], list[str]]],
    options: dict[str, list[SiecleOption]],
    pseudo_divisions: set[str],
) -> SiecleStudent | None:
    fields = Fields(element)
    eleve_id = (element.get("ELEVE_ID") or "").strip()
    last_name = fields.text("NOM_DE_FAMILLE") or fields.text("NOM")
    first_name = fields.text("PRENOM")
    who = " ".join(part for part in (last_name, first_name) if part) or "un élève"
    if not eleve_id:
        issues.error(
            element,
            "ELEVE_ID",
            None,
            f"l'identifiant SIECLE (attribut ELEVE_ID) manque pour {who} : élève ignoré.",
        )
        return None
    if last_name is None or first_name is None:
        missing = "NOM_DE_FAMILLE" if last_name is None else "PRENOM"
        issues.error(element, missing, None, f"le nom ou le prénom manque (ELEVE_ID {eleve_id}).")
        return None
    who = f"{last_name} {first_name}"

    exit_date = issues.date(fields, "DATE_SORTIE", Severity.ERROR, who)
    birth_date = issues.date(fields, "DATE_NAISS", Severity.ERROR, who)
    if birth_date is None and fields.text("DATE_NAISS") is None:
        issues.warning(element, "DATE_NAISS", None, f"la date de naissance de {who} manque.")

    sex: Sex | None = None
    sex_text = fields.text("CODE_SEXE")
    try:
        sex = parse_sex(sex_text)
    except ValueProblem as problem:
        issues.warning(fields.at("CODE_SEXE"), "CODE_SEXE", sex_text, f"{who} : {problem}")

    ine = fields.text("ID_NATIONAL") or fields.text("INE_RNIE") or fields.text("INE_BEA")
    if ine is None and exit_date is None:
        issues.warning(
            element,
            "ID_NATIONAL",
            None,
            f"{who} n'a pas d'INE : il sera reconnu par son seul identifiant SIECLE.",
        )

    # An unknown MEF is no problem here: the import gives it a level « à préciser ».
    mef_code = fields.text("CODE_MEF")
    level = level_from_mef(mef_code)

    divisions, groups = structures.get(eleve_id, ([], []))
    division, pseudo = _placement(element, divisions, pseudo_divisions, exit_date, who, issues)

    repeating_text = fields.text("DOUBLEMENT")
    other_names = tuple(name for name in (fields.text("PRENOM2"), fields.text("PRENOM3")) if name)
    return SiecleStudent(
        eleve_id=eleve_id,
        last_name=last_name,
        first_name=first_name,
        line=element.sourceline,
        elenoet=(element.get("ELENOET") or "").strip() or None,
        ine=ine.upper() if ine else None,
        usage_name=fields.text("NOM_USAGE"),
        other_first_names=other_names,
        birth_date=birth_date,
        sex=sex,
        mef_code=mef_code,
        level=level,
        status_code=fields.text("CODE_STATUT"),
        regime_code=fields.text("CODE_REGIME"),
        repeating=None if repeating_text is None else repeating_text.upper() in ("O", "1", "OUI"),
        entry_date=issues.date(fields, "DATE_ENTREE", Severity.WARNING, who),
        exit_date=exit_date,
        exit_reason_code=fields.text("CODE_MOTIF_SORTIE"),
        email=fields.text("MEL"),
        birth_city=fields.text("VILLE_NAISS"),
        birth_country_code=fields.text("CODE_PAYS"),
        previous_school_uai=child_text(element, "SCOLARITE_AN_DERNIER/CODE_RNE"),
        previous_structure=child_text(element, "SCOLARITE_AN_DERNIER/CODE_STRUCTURE"),
        division=division,
        pseudo_division=pseudo,
        groups=tuple(dict.fromkeys(groups)),
        options=tuple(options.get(eleve_id, ())),
    )


# --------------------------------------------------------------------------- Nomenclature


@dataclass(frozen=True, slots=True)
class NomenclatureSubject:
    """A subject (``MATIERE``) of the national nomenclature."""

    code: str
    management_code: str | None = None
    short_label: str | None = None
    long_label: str | None = None
    edition_label: str | None = None

    @property
    def label(self) -> str:
        """The best label available, for display."""
        return self.edition_label or self.long_label or self.short_label or self.code


@dataclass(frozen=True, slots=True)
class NomenclatureMef:
    """A MEF of the national nomenclature, with the level appui recognises in it."""

    code: str
    training: str | None = None
    long_label: str | None = None
    edition_label: str | None = None
    attached_mef: str | None = None
    mefstat: str | None = None
    level: Level | None = None

    @property
    def label(self) -> str:
        """The best label available, for display."""
        return self.edition_label or self.long_label or self.training or self.code


@dataclass(frozen=True, slots=True)
class NomenclatureProgramme:
    """A subject taught in a MEF (``PROGRAMME``), with its weekly hours when given."""

    mef_code: str
    subject_code: str
    modality_code: str | None = None
    weekly_hours: float | None = None


@dataclass(slots=True)
class Nomenclature:
    """Labels for MEF and subject codes, read from ``Nomenclature.xml``.

    ``uai`` and ``school_year`` come from its ``PARAMETRES`` when the file has them (SIECLE
    writes them; the import refuses a Nomenclature of another school or year).
    """

    file_name: str
    uai: str | None = None
    school_year: int | None = None
    mefs: dict[str, NomenclatureMef] = field(default_factory=dict)
    subjects: dict[str, NomenclatureSubject] = field(default_factory=dict)
    programmes: list[NomenclatureProgramme] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    def mef_label(self, code: str | None) -> str | None:
        """Label of a MEF code, or None when unknown."""
        mef = self.mefs.get(code or "")
        return mef.label if mef else None

    def subject_label(self, code: str | None) -> str | None:
        """Label of a subject code, or None when unknown."""
        subject = self.subjects.get(code or "")
        return subject.label if subject else None


def parse_nomenclature(source: Source, file_name: str | None = None) -> Nomenclature:
    """Read SIECLE's ``Nomenclature.xml`` (plain or zipped) for MEF and subject labels."""
    root, name, warnings = load_xml(
        source, file_name, preferred=("Nomenclature.xml",), exported_by="SIECLE"
    )
    if local_name(root) != "BEE_NOMENCLATURES":
        raise refuse_root(
            root,
            name,
            expected="le fichier des nomenclatures SIECLE",
            advice="Choisissez Nomenclature.xml exporté depuis SIECLE.",
        )
    year_text = child_text(root, "PARAMETRES/ANNEE_SCOLAIRE")
    uai = child_text(root, "PARAMETRES/UAJ")
    result = Nomenclature(
        file_name=name,
        uai=uai.upper() if uai else None,
        school_year=int(year_text) if year_text and year_text.isdigit() else None,
        issues=list(warnings),
    )
    for element in records(root, ".//MATIERES/MATIERE"):
        code = (element.get("CODE_MATIERE") or "").strip()
        if code:
            result.subjects[code] = NomenclatureSubject(
                code=code,
                management_code=child_text(element, "CODE_GESTION"),
                short_label=child_text(element, "LIBELLE_COURT"),
                long_label=child_text(element, "LIBELLE_LONG"),
                edition_label=child_text(element, "LIBELLE_EDITION"),
            )
    for element in records(root, ".//MEFS/MEF"):
        code = (element.get("CODE_MEF") or "").strip()
        if code:
            result.mefs[code] = NomenclatureMef(
                code=code,
                training=child_text(element, "FORMATION"),
                long_label=child_text(element, "LIBELLE_LONG"),
                edition_label=child_text(element, "LIBELLE_EDITION"),
                attached_mef=child_text(element, "MEF_RATTACHEMENT"),
                mefstat=child_text(element, "CODE_MEFSTAT"),
                level=level_from_mef(code),
            )
    for element in records(root, ".//PROGRAMMES/PROGRAMME"):
        mef_code = child_text(element, "CODE_MEF")
        subject_code = child_text(element, "CODE_MATIERE")
        if mef_code is None or subject_code is None:
            continue
        hours_text = child_text(element, "HORAIRE")
        try:
            hours = parse_number(hours_text)
        except ValueProblem as problem:
            result.issues.append(
                ImportIssue(
                    file=name,
                    line=element.sourceline,
                    field="HORAIRE",
                    value=hours_text,
                    message=str(problem),
                    severity=Severity.WARNING,
                )
            )
            hours = None
        result.programmes.append(
            NomenclatureProgramme(
                mef_code=mef_code,
                subject_code=subject_code,
                modality_code=child_text(element, "CODE_MODALITE_ELECT"),
                weekly_hours=hours,
            )
        )
    return result
