"""The LSU (livret scolaire unique, collège) import file for personalised support.

appui builds the AP part of the LSU: the AP declared once (``acc-persos``), its groups with
their teachers and subjects (``acc-persos-groupes``) and, inside each student's
``bilan-periodique``, the groups the student followed with the teacher's comment
(``acc-persos-eleve``). The official schema (``schemas/import-bilan-complet.xsd``, copied
from the national specification) also makes mandatory, in every periodic report, things
appui does not manage: at least one subject assessment with its teacher, the "acquis et
conseils pour progresser" text, attendance counts, the class council, schooling and lock
dates, and a head of school. They are plain fields of the records below; when the caller
cannot fill them, :func:`lsu_gaps` lists them in French so the user sees what is missing
*before* exporting — nothing is ever invented. :func:`build_lsu` refuses to build a file
while gaps remain and checks its output against the schema.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from appui.core.io._xml import xml_safe

__all__ = [
    "LSU_NAMESPACE",
    "LSU_REQUIREMENTS",
    "LSU_XSD_PATH",
    "LsuAp",
    "LsuApGroup",
    "LsuAssessment",
    "LsuDiscipline",
    "LsuError",
    "LsuExport",
    "LsuGap",
    "LsuPeriod",
    "LsuReport",
    "LsuSchoolLife",
    "LsuStudent",
    "LsuStudentAp",
    "LsuTeacher",
    "LsuTeaching",
    "build_lsu",
    "lsu_gaps",
    "validate_lsu",
]

LSU_NAMESPACE = "urn:fr:edu:scolarite:lsun:bilans:import"

#: The official schema, shipped with the package so exports work without any shared folder.
LSU_XSD_PATH = Path(__file__).parent / "schemas" / "import-bilan-complet.xsd"

SCHEMA_VERSION = "3.0"

#: What the schema requires around the AP part, in French, for the page shown before export.
LSU_REQUIREMENTS: tuple[str, ...] = (
    "le code UAI de l'établissement (8 caractères) ;",
    "au moins un responsable de l'établissement (chef d'établissement ou adjoint) qui signe "
    "les bilans ;",
    "pour chaque élève : son identifiant SIECLE (ELEVE_ID), sa division ;",
    "la période (année scolaire, numéro de la période, nombre de périodes dans l'année) ;",
    "pour chaque discipline citée : son code matière à 6 caractères et un libellé d'au plus "
    "40 caractères ;",
    "pour chaque enseignant cité : son identifiant STS-web ;",
    "pour chaque accompagnement personnalisé : un intitulé (150 caractères au plus) et au "
    "moins une discipline ; pour chaque groupe : au moins un enseignant avec sa discipline ;",
    "pour chaque bilan périodique d'élève : la date du conseil de classe, la date de début de "
    "scolarité dans la période, la date de verrouillage, le responsable qui signe, au moins "
    "une discipline évaluée avec son enseignant, le texte « acquis et conseils pour "
    "progresser » (1 000 caractères au plus) et la vie scolaire (retards, absences justifiées "
    "et injustifiées) ;",
    "commentaires et descriptions : 600 caractères au plus.",
)

_MODALITIES = {"S", "O", "F", "L", "R", "X"}
_TEACHER_TYPES = {"epp", "local", "dir", "autre"}
_CIVILITIES = {"M", "MME"}


class LsuError(Exception):
    """The LSU file cannot be produced; ``messages`` says why, in French."""

    def __init__(self, problems: Iterable[str | LsuGap]) -> None:
        items = list(problems)
        self.gaps = [item for item in items if isinstance(item, LsuGap)]
        self.messages = [str(item) for item in items]
        super().__init__("\n".join(self.messages))


# ============================================================================= records


@dataclass(frozen=True, slots=True)
class LsuDiscipline:
    """A subject (``discipline``): 6-character code (``MATIERE`` code of STS-web/SIECLE),
    election modality (``S`` common core, ``O`` compulsory option, ``F`` optional…) and a
    label of at most 40 characters. Records refer to it by ``key`` (default: the code)."""

    code: str
    label: str
    modality: str = "S"
    national_code: str | None = None
    ref: str | None = None

    @property
    def key(self) -> str:
        """How other records refer to this discipline."""
        return self.ref or self.code


@dataclass(frozen=True, slots=True)
class LsuTeacher:
    """A teacher (``enseignant``), known by their STS-web identifier. Records refer to them
    by ``key`` (default: the identifier; give ``ref`` when it may be missing)."""

    sts_id: str
    last_name: str | None = None
    first_name: str | None = None
    civility: str | None = None
    type: str = "epp"
    ref: str | None = None

    @property
    def key(self) -> str:
        """How other records refer to this teacher."""
        return self.ref or self.sts_id


@dataclass(frozen=True, slots=True)
class LsuStudent:
    """A student (``eleve``): SIECLE ``ELEVE_ID``, names and division code. Reports refer
    to them by ``key`` (default: the identifier; give ``ref`` when it may be missing)."""

    eleve_id: str
    last_name: str
    first_name: str
    division: str
    ref: str | None = None

    @property
    def key(self) -> str:
        """How reports refer to this student."""
        return self.ref or self.eleve_id

    @property
    def full_name(self) -> str:
        """``"NOM Prénom (division)"`` for messages."""
        return f"{self.last_name} {self.first_name} ({self.division})"


@dataclass(frozen=True, slots=True)
class LsuPeriod:
    """The period of the export: school year start, its index and the number of periods."""

    school_year: int
    index: int
    count: int


@dataclass(frozen=True, slots=True)
class LsuAp:
    """A personalised support programme (``acc-perso``), declared once."""

    key: str
    title: str
    discipline_keys: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class LsuTeaching:
    """A teacher and the discipline they teach in a group."""

    teacher_id: str
    discipline_key: str


@dataclass(frozen=True, slots=True)
class LsuApGroup:
    """An AP group (``acc-perso-groupe``) instantiating an :class:`LsuAp`."""

    key: str
    ap_key: str
    title: str
    teachings: tuple[LsuTeaching, ...]
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class LsuStudentAp:
    """A student's participation in an AP group, with the teacher's comment."""

    group_key: str
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class LsuAssessment:
    """A subject assessment (``acquis``) of the periodic report — not managed by appui."""

    discipline_key: str
    teacher_ids: tuple[str, ...]
    appreciation: str | None = None
    positioning: int | None = None
    student_average: str | None = None
    class_average: str | None = None
    not_graded: bool = False


@dataclass(frozen=True, slots=True)
class LsuSchoolLife:
    """Attendance of the period (``vie-scolaire``)."""

    late: int
    justified_absences: int
    unjustified_absences: int
    missed_hours: int | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class LsuReport:
    """A student's periodic report (``bilan-periodique``). The AP part is ``aps``; every
    other field is required by the schema and comes from outside appui. ``eleve_id`` is the
    student's :attr:`LsuStudent.key`; ``lock_time`` may be a date or a date and time."""

    eleve_id: str
    aps: tuple[LsuStudentAp, ...] = ()
    council_date: date | None = None
    schooling_start: date | None = None
    lock_time: date | datetime | None = None
    manager: str | None = None
    main_teacher_ids: tuple[str, ...] = ()
    assessments: tuple[LsuAssessment, ...] = ()
    advice: str | None = None
    school_life: LsuSchoolLife | None = None


@dataclass(slots=True)
class LsuExport:
    """Everything one LSU file holds for one period. ``managers`` are the labels of the
    heads of school who sign reports (``responsable-etab``); reports name one of them."""

    uai: str
    period: LsuPeriod
    managers: tuple[str, ...] = ()
    students: tuple[LsuStudent, ...] = ()
    disciplines: tuple[LsuDiscipline, ...] = ()
    teachers: tuple[LsuTeacher, ...] = ()
    aps: tuple[LsuAp, ...] = ()
    groups: tuple[LsuApGroup, ...] = ()
    reports: tuple[LsuReport, ...] = ()
    editor: str = "appui"
    application: str = "appui"
    app_version: str | None = None


@dataclass(frozen=True, slots=True)
class LsuGap:
    """Something the LSU requires that the records lack, in French."""

    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.subject} : {self.message}"


# ============================================================================= checking


def _clean(text: str) -> str:
    """Text as written to the file: XML-safe, no outer spaces, LF line ends only.

    The schema's text patterns, ``(.|\\n)*``, reject carriage returns, hence the
    normalisation.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return xml_safe(text).strip()


def _blank(text: str | None) -> bool:
    return text is None or not _clean(text)


def _positive_integer(text: str) -> bool:
    return text.isdigit() and int(text) > 0


class _Checker:
    def __init__(self) -> None:
        self.gaps: list[LsuGap] = []

    def add(self, subject: str, message: str) -> None:
        self.gaps.append(LsuGap(subject, message))

    def text(
        self,
        subject: str,
        what: str,
        value: str | None,
        maximum: int,
        *,
        required: bool,
        note: str = "",
    ) -> None:
        if _blank(value):
            if required:
                self.add(subject, f"{what} manque{note}.")
            return
        assert value is not None
        length = len(_clean(value))
        if length > maximum:
            self.add(
                subject,
                f"{what} fait {length} caractères ; LSU en accepte au plus {maximum}.",
            )


def lsu_gaps(export: LsuExport) -> list[LsuGap]:
    """Everything the LSU schema requires that ``export`` lacks or gets wrong, in French.

    An empty list means :func:`build_lsu` will produce a valid file.
    """
    check = _Checker()
    _check_school(check, export)
    _check_period(check, export)
    students = _check_students(check, export)
    disciplines = _check_disciplines(check, export)
    teachers = _check_teachers(check, export)
    aps = _check_aps(check, export, disciplines)
    groups = _check_groups(check, export, aps, teachers, disciplines)
    _check_reports(check, export, students, disciplines, teachers, groups)
    return check.gaps


def _check_school(check: _Checker, export: LsuExport) -> None:
    """The school: UAI, editor and application, and who signs the reports."""
    school = "Établissement"
    if len(export.uai.strip()) != 8:
        check.add(school, f"le code UAI « {export.uai} » doit faire 8 caractères.")
    check.text(school, "le nom de l'éditeur", export.editor, 50, required=True)
    check.text(school, "le nom de l'application", export.application, 50, required=True)
    check.text(school, "la version de l'application", export.app_version, 50, required=False)
    if not export.managers:
        check.add(
            school,
            "aucun responsable d'établissement n'est indiqué : LSU exige le nom de celui qui "
            "signe les bilans (chef d'établissement ou adjoint).",
        )
    for manager in export.managers:
        check.text(school, f"le responsable « {manager} »", manager, 100, required=True)
    if len(set(export.managers)) != len(export.managers):
        check.add(school, "un responsable d'établissement est cité deux fois.")


def _check_period(check: _Checker, export: LsuExport) -> None:
    """The school year and the period's number."""
    period = export.period
    if not 1000 <= period.school_year <= 9999:
        check.add("Période", f"l'année scolaire « {period.school_year} » doit avoir 4 chiffres.")
    if not 1 <= period.index <= period.count:
        check.add(
            "Période",
            f"le numéro de période {period.index} n'est pas compris entre 1 et {period.count}.",
        )


def _check_students(check: _Checker, export: LsuExport) -> dict[str, LsuStudent]:
    """Students, each once with their SIECLE identifier; returns them by key."""
    students = {student.key: student for student in export.students}
    if not export.students:
        check.add("Élèves", "aucun élève : LSU exige au moins un élève.")
    if len(students) != len(export.students):
        check.add("Élèves", "un élève est cité deux fois.")
    for student in export.students:
        who = f"Élève {student.full_name}"
        if not student.eleve_id.strip():
            check.add(
                who,
                "l'identifiant SIECLE (ELEVE_ID) manque : importez les élèves depuis SIECLE.",
            )
        elif not _positive_integer(student.eleve_id.strip()):
            check.add(
                who,
                f"l'identifiant SIECLE (ELEVE_ID) « {student.eleve_id} » n'est pas un nombre : "
                "importez les élèves depuis SIECLE.",
            )
        check.text(who, "le nom", student.last_name, 100, required=True)
        check.text(who, "le prénom", student.first_name, 100, required=True)
        check.text(who, "la division", student.division, 20, required=True)
    return students


def _check_disciplines(check: _Checker, export: LsuExport) -> dict[str, LsuDiscipline]:
    """Disciplines, each once with a valid code and modality; returns them by key."""
    disciplines = {discipline.key: discipline for discipline in export.disciplines}
    if len(disciplines) != len(export.disciplines):
        check.add("Disciplines", "une discipline est citée deux fois.")
    pairs = {(d.code, d.modality) for d in export.disciplines}
    if len(pairs) != len(export.disciplines):
        check.add("Disciplines", "deux disciplines ont le même code et la même modalité.")
    for discipline in export.disciplines:
        what = f"Discipline « {discipline.label or discipline.code} »"
        if len(discipline.code) != 6:
            check.add(what, f"le code matière « {discipline.code} » doit faire 6 caractères.")
        if discipline.national_code is not None and len(discipline.national_code) != 6:
            check.add(what, "le code national doit faire 6 caractères.")
        if discipline.modality not in _MODALITIES:
            check.add(
                what,
                f"la modalité d'élection « {discipline.modality} » n'est pas une de "
                f"{', '.join(sorted(_MODALITIES))}.",
            )
        check.text(what, "le libellé", discipline.label, 40, required=True)
    return disciplines


def _check_teachers(check: _Checker, export: LsuExport) -> dict[str, LsuTeacher]:
    """Teachers, each once with their STS-web identifier; returns them by key."""
    teachers = {teacher.key: teacher for teacher in export.teachers}
    if len(teachers) != len(export.teachers):
        check.add("Enseignants", "un enseignant est cité deux fois.")
    for teacher in export.teachers:
        who = f"Enseignant {teacher.last_name or teacher.sts_id}"
        if not teacher.sts_id.strip():
            check.add(who, "l'identifiant STS-web manque : importez les personnels depuis STS-web.")
        elif not _positive_integer(teacher.sts_id.strip()):
            check.add(
                who,
                f"l'identifiant STS-web « {teacher.sts_id} » n'est pas un nombre : "
                "importez les personnels depuis STS-web.",
            )
        if teacher.type not in _TEACHER_TYPES:
            check.add(who, f"le type « {teacher.type} » n'est pas epp, local, dir ou autre.")
        if teacher.civility is not None and teacher.civility not in _CIVILITIES:
            check.add(who, f"la civilité « {teacher.civility} » n'est ni M ni MME.")
        check.text(who, "le nom", teacher.last_name, 100, required=False)
        check.text(who, "le prénom", teacher.first_name, 100, required=False)
    return teachers


def _check_aps(
    check: _Checker, export: LsuExport, disciplines: dict[str, LsuDiscipline]
) -> dict[str, LsuAp]:
    """AP declarations and the disciplines they cite; returns them by key."""
    aps = {ap.key: ap for ap in export.aps}
    if len(aps) != len(export.aps):
        check.add("Accompagnements personnalisés", "un accompagnement est cité deux fois.")
    for ap in export.aps:
        what = f"Accompagnement personnalisé « {ap.title or ap.key} »"
        check.text(what, "l'intitulé", ap.title, 150, required=True)
        check.text(what, "la description", ap.description, 600, required=False)
        if not ap.discipline_keys:
            check.add(what, "aucune discipline n'est rattachée ; LSU en exige au moins une.")
        for key in ap.discipline_keys:
            if key not in disciplines:
                check.add(what, f"la discipline « {key} » n'est pas dans la liste des disciplines.")
    return aps


def _check_groups(
    check: _Checker,
    export: LsuExport,
    aps: dict[str, LsuAp],
    teachers: dict[str, LsuTeacher],
    disciplines: dict[str, LsuDiscipline],
) -> dict[str, LsuApGroup]:
    """AP groups, their AP, teachers and disciplines; returns them by key."""
    groups = {group.key: group for group in export.groups}
    if len(groups) != len(export.groups):
        check.add("Groupes d'AP", "un groupe est cité deux fois.")
    for group in export.groups:
        what = f"Groupe d'AP « {group.title or group.key} »"
        if group.ap_key not in aps:
            check.add(what, "l'accompagnement personnalisé dont il relève n'est pas déclaré.")
        check.text(what, "l'intitulé", group.title, 150, required=True)
        check.text(what, "le commentaire", group.comment, 600, required=False)
        if not group.teachings:
            check.add(what, "aucun enseignant n'est indiqué ; LSU en exige au moins un.")
        for teaching in group.teachings:
            if teaching.teacher_id not in teachers:
                check.add(what, f"l'enseignant {teaching.teacher_id} n'est pas dans la liste.")
            if teaching.discipline_key not in disciplines:
                check.add(
                    what,
                    f"la discipline « {teaching.discipline_key} » n'est pas dans la liste.",
                )
    return groups


def _check_reports(
    check: _Checker,
    export: LsuExport,
    students: dict[str, LsuStudent],
    disciplines: dict[str, LsuDiscipline],
    teachers: dict[str, LsuTeacher],
    groups: dict[str, LsuApGroup],
) -> None:
    """One report per listed student, each checked by :func:`_check_report`."""
    seen_reports: set[str] = set()
    for report in export.reports:
        owner = students.get(report.eleve_id)
        who = f"Bilan de {owner.full_name if owner else report.eleve_id}"
        if owner is None:
            check.add(who, "l'élève n'est pas dans la liste des élèves.")
        if report.eleve_id in seen_reports:
            check.add(who, "l'élève a deux bilans pour la même période.")
        seen_reports.add(report.eleve_id)
        _check_report(check, who, report, export, disciplines, teachers, groups)


def _check_report(
    check: _Checker,
    who: str,
    report: LsuReport,
    export: LsuExport,
    disciplines: dict[str, LsuDiscipline],
    teachers: dict[str, LsuTeacher],
    groups: dict[str, LsuApGroup],
) -> None:
    outside = " (non géré par appui : à fournir)"
    if report.council_date is None:
        check.add(who, f"la date du conseil de classe manque{outside}.")
    if report.schooling_start is None:
        check.add(who, f"la date de début de scolarité dans la période manque{outside}.")
    if report.lock_time is None:
        check.add(who, f"la date de verrouillage du bilan manque{outside}.")
    if report.manager is None:
        check.add(who, "le responsable d'établissement qui signe le bilan manque.")
    elif report.manager not in export.managers:
        check.add(who, f"le responsable « {report.manager} » n'est pas dans la liste.")
    for teacher_id in report.main_teacher_ids:
        if teacher_id not in teachers:
            check.add(who, f"le professeur principal {teacher_id} n'est pas dans la liste.")
    if not report.assessments:
        check.add(
            who,
            "aucune discipline évaluée : LSU exige au moins un acquis disciplinaire avec son "
            f"enseignant{outside}.",
        )
    seen: set[str] = set()
    for assessment in report.assessments:
        key = assessment.discipline_key
        if key not in disciplines:
            check.add(who, f"la discipline évaluée « {key} » n'est pas dans la liste.")
        if key in seen:
            check.add(who, f"la discipline « {key} » est évaluée deux fois.")
        seen.add(key)
        if not assessment.teacher_ids:
            check.add(who, f"l'enseignant de la discipline « {key} » manque.")
        for teacher_id in assessment.teacher_ids:
            if teacher_id not in teachers:
                check.add(who, f"l'enseignant {teacher_id} n'est pas dans la liste.")
        check.text(
            who, f"l'appréciation en « {key} »", assessment.appreciation, 600, required=False
        )
        if assessment.positioning is not None and not 1 <= assessment.positioning <= 4:
            check.add(who, f"le positionnement en « {key} » doit être entre 1 et 4.")
        for average in (assessment.student_average, assessment.class_average):
            if average is not None and not 1 <= len(average) <= 8:
                check.add(who, f"une moyenne en « {key} » doit faire de 1 à 8 caractères.")
    check.text(
        who,
        "le texte « acquis et conseils pour progresser »",
        report.advice,
        1000,
        required=True,
        note=outside,
    )
    life = report.school_life
    if life is None:
        check.add(who, f"la vie scolaire (retards, absences) manque{outside}.")
    else:
        counts = (life.late, life.justified_absences, life.unjustified_absences, life.missed_hours)
        if any(count is not None and not 0 <= count <= 999 for count in counts):
            check.add(who, "les compteurs de vie scolaire doivent être entre 0 et 999.")
        check.text(who, "le commentaire de vie scolaire", life.comment, 600, required=False)
    seen_groups: set[str] = set()
    for participation in report.aps:
        if participation.group_key not in groups:
            check.add(who, f"le groupe d'AP « {participation.group_key} » n'est pas déclaré.")
        if participation.group_key in seen_groups:
            check.add(who, f"le groupe d'AP « {participation.group_key} » est cité deux fois.")
        seen_groups.add(participation.group_key)
        check.text(who, "le commentaire d'AP", participation.comment, 600, required=False)


# ============================================================================= building


class _Ids:
    """Stable XML identifiers (xs:ID must be a name: letters first, no spaces)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str] = {}
        self._used: set[str] = set()

    def __call__(self, prefix: str, key: str) -> str:
        existing = self._ids.get((prefix, key))
        if existing is not None:
            return existing
        base = f"{prefix}_{re.sub(r'[^A-Za-z0-9_.-]', '_', key)}"
        candidate, counter = base, 1
        while candidate in self._used:
            counter += 1
            candidate = f"{base}_{counter}"
        self._ids[(prefix, key)] = candidate
        self._used.add(candidate)
        return candidate


def _element(parent: Any, name: str, text: str | None = None, **attributes: str | None) -> Any:
    element = etree.SubElement(parent, f"{{{LSU_NAMESPACE}}}{name}")
    for attribute, value in attributes.items():
        cleaned = None if value is None else _clean(value)
        if cleaned:
            element.set(attribute.replace("_", "-"), cleaned)
    if text is not None:
        element.text = _clean(text)
    return element


def _optional_text(parent: Any, name: str, text: str | None) -> None:
    if text is not None and not _blank(text):
        _element(parent, name, text)


def build_lsu(export: LsuExport, *, xsd_path: str | Path | None = None) -> bytes:
    """The LSU XML for ``export``, UTF-8 encoded, validated against the schema.

    Raises :class:`LsuError` listing the gaps (see :func:`lsu_gaps`) when the records lack
    something the LSU requires, or the schema errors if the output does not validate.
    ``xsd_path`` defaults to the schema shipped with appui.
    """
    gaps = lsu_gaps(export)
    if gaps:
        raise LsuError(gaps)
    ids = _Ids()
    root = etree.Element(f"{{{LSU_NAMESPACE}}}lsun-bilans", nsmap={None: LSU_NAMESPACE})
    root.set("schemaVersion", SCHEMA_VERSION)
    header = _element(root, "entete")
    _element(header, "editeur", export.editor.strip())
    _element(header, "application", export.application.strip())
    _optional_text(header, "appliVersion", export.app_version)
    _element(header, "etablissement", export.uai.strip().upper())

    data = _element(root, "donnees")
    # The schema fixes the order of these sections.
    _write_people(data, export, ids)
    period_id = _write_period(data, export.period, ids)
    _write_disciplines_and_teachers(data, export, ids)
    _write_aps(data, export, ids)
    if export.reports:
        reports = _element(data, "bilans-periodiques")
        for report in export.reports:
            _report(reports, report, period_id, ids)

    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    problems = validate_lsu(xml, xsd_path)
    if problems:
        raise LsuError(problems)
    return bytes(xml)


def _write_people(data: etree._Element, export: LsuExport, ids: _Ids) -> None:
    """``responsables-etab`` and ``eleves``."""
    managers = _element(data, "responsables-etab")
    for manager in export.managers:
        _element(managers, "responsable-etab", id=ids("RESP", manager), libelle=manager.strip())
    students = _element(data, "eleves")
    for student in export.students:
        _element(
            students,
            "eleve",
            id=ids("EL", student.key),
            id_be=str(int(student.eleve_id)),
            nom=student.last_name.strip(),
            prenom=student.first_name.strip(),
            code_division=student.division.strip(),
        )


def _write_period(data: etree._Element, period: LsuPeriod, ids: _Ids) -> str:
    """``periodes``; returns the period's identifier."""
    period_id = ids("P", str(period.index))
    periods = _element(data, "periodes")
    _element(
        periods,
        "periode",
        id=period_id,
        millesime=str(period.school_year),
        indice=str(period.index),
        nb_periodes=str(period.count),
    )
    return period_id


def _write_disciplines_and_teachers(data: etree._Element, export: LsuExport, ids: _Ids) -> None:
    """``disciplines`` and ``enseignants``, when there are any."""
    if export.disciplines:
        disciplines = _element(data, "disciplines")
        for discipline in export.disciplines:
            _element(
                disciplines,
                "discipline",
                id=ids("DI", discipline.key),
                code=discipline.code,
                code_national=discipline.national_code,
                modalite_election=discipline.modality,
                libelle=discipline.label.strip(),
            )
    if export.teachers:
        teachers = _element(data, "enseignants")
        for teacher in export.teachers:
            _element(
                teachers,
                "enseignant",
                id=ids("ENS", teacher.key),
                type=teacher.type,
                id_sts=str(int(teacher.sts_id)),
                civilite=teacher.civility,
                nom=teacher.last_name.strip() if teacher.last_name else None,
                prenom=teacher.first_name.strip() if teacher.first_name else None,
            )


def _write_aps(data: etree._Element, export: LsuExport, ids: _Ids) -> None:
    """``acc-persos`` and ``acc-persos-groupes`` with their teachers and disciplines."""
    if export.aps:
        aps = _element(data, "acc-persos")
        for ap in export.aps:
            element = _element(
                aps,
                "acc-perso",
                id=ids("AP", ap.key),
                intitule=ap.title.strip(),
                discipline_refs=" ".join(ids("DI", key) for key in ap.discipline_keys),
            )
            _optional_text(element, "description", ap.description)
    if export.groups:
        groups = _element(data, "acc-persos-groupes")
        for group in export.groups:
            element = _element(
                groups,
                "acc-perso-groupe",
                id=ids("APG", group.key),
                acc_perso_ref=ids("AP", group.ap_key),
                intitule=group.title.strip(),
            )
            _optional_text(element, "commentaire", group.comment)
            teachings = _element(element, "enseignants-disciplines")
            for teaching in group.teachings:
                _element(
                    teachings,
                    "enseignant-discipline",
                    enseignant_ref=ids("ENS", teaching.teacher_id),
                    discipline_ref=ids("DI", teaching.discipline_key),
                )


def _lock_time(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    return value.isoformat()


def _report(parent: Any, report: LsuReport, period_id: str, ids: _Ids) -> None:
    # lsu_gaps() has checked every required field; the asserts only narrow types.
    assert report.council_date and report.schooling_start and report.lock_time
    assert report.manager and report.advice and report.school_life
    element = _element(
        parent,
        "bilan-periodique",
        prof_princ_refs=" ".join(ids("ENS", t) for t in report.main_teacher_ids) or None,
        eleve_ref=ids("EL", report.eleve_id),
        periode_ref=period_id,
        date_conseil_classe=report.council_date.isoformat(),
        date_scolarite=report.schooling_start.isoformat(),
        date_verrou=_lock_time(report.lock_time),
        responsable_etab_ref=ids("RESP", report.manager),
    )
    assessments = _element(element, "liste-acquis")
    for assessment in report.assessments:
        acquis = _element(
            assessments,
            "acquis",
            discipline_ref=ids("DI", assessment.discipline_key),
            enseignant_refs=" ".join(ids("ENS", t) for t in assessment.teacher_ids),
            moyenne_eleve=assessment.student_average,
            moyenne_structure=assessment.class_average,
            eleve_non_note="1" if assessment.not_graded else None,
            positionnement=None if assessment.positioning is None else str(assessment.positioning),
        )
        _optional_text(acquis, "appreciation", assessment.appreciation)
    if report.aps:
        aps = _element(element, "acc-persos-eleve")
        for participation in report.aps:
            item = _element(
                aps, "acc-perso-eleve", acc_perso_groupe_ref=ids("APG", participation.group_key)
            )
            _optional_text(item, "commentaire", participation.comment)
    _element(element, "acquis-conseils", report.advice.strip())
    life = report.school_life
    school_life = _element(
        element,
        "vie-scolaire",
        nb_retards=str(life.late),
        nb_abs_justifiees=str(life.justified_absences),
        nb_abs_injustifiees=str(life.unjustified_absences),
        nb_heures_manquees=None if life.missed_hours is None else str(life.missed_hours),
    )
    _optional_text(school_life, "commentaire", life.comment)


# ============================================================================= validating


@lru_cache(maxsize=4)
def _schema(path: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(path)


def validate_lsu(xml: bytes, xsd_path: str | Path | None = None) -> list[str]:
    """Check an LSU file against the official schema; French messages, empty when valid."""
    schema = _schema(str(Path(xsd_path or LSU_XSD_PATH).resolve()))
    messages = []
    for error in schema.iter_errors(io.BytesIO(xml)):
        where = f" (à {error.path})" if getattr(error, "path", None) else ""
        reason = getattr(error, "reason", None) or str(error)
        messages.append(f"le fichier LSU n'est pas conforme au schéma officiel{where} : {reason}")
    return messages
