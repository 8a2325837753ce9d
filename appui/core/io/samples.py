"""Fictitious SIECLE, Nomenclature and STS-web files, for tests, the bench and the demo.

Real exports hold personal data and are never shipped: these builders write files with the
same names, roots, elements and encodings (ISO-8859-15 by default for SIECLE) from small
records, and :func:`fictitious_school` invents a whole school of any size. Every name is
made up.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from lxml import etree

__all__ = [
    "MEF_CODES",
    "SUBJECTS",
    "SampleDivision",
    "SampleGroup",
    "SampleSchool",
    "SampleService",
    "SampleStaff",
    "SampleStudent",
    "fictitious_school",
    "nomenclature_xml",
    "siecle_xml",
    "sts_xml",
    "zipped",
]

#: A MEF code for each level appui knows (fictitious middle digits where the scheme allows).
MEF_CODES: dict[str, str] = {
    "6e": "10010012110",
    "5e": "10110001110",
    "4e": "10210001110",
    "3e": "10310019110",
    "3e-pm": "10310026110",
    "cap2-1": "24125402210",
    "cap2-2": "24125402220",
    "bacpro-1": "24731005310",
    "bacpro-2": "24731005320",
    "bacpro-3": "24731005330",
}

#: Subject codes and labels used by the fictitious files.
SUBJECTS: dict[str, str] = {
    "020700": "FRANÇAIS",
    "061300": "MATHÉMATIQUES",
    "030201": "ANGLAIS LV1",
    "042100": "HISTOIRE-GÉOGRAPHIE",
    "062900": "SCIENCES DE LA VIE ET DE LA TERRE",
    "100100": "ÉDUCATION PHYSIQUE ET SPORTIVE",
    "990100": "ACCOMPAGNEMENT PERSONNALISÉ",
}


@dataclass(frozen=True, slots=True)
class SampleStudent:
    """A student line of a fictitious SIECLE export."""

    eleve_id: str
    last_name: str
    first_name: str
    division: str | None
    mef_code: str
    birth_date: date = date(2012, 3, 14)
    sex: str = "2"
    ine: str | None = None
    elenoet: str | None = None
    usage_name: str | None = None
    groups: tuple[str, ...] = ()
    entry_date: date | None = date(2026, 9, 1)
    exit_date: date | None = None
    email: str | None = None
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SampleStaff:
    """A staff member of a fictitious STS-web export."""

    id: str
    last_name: str
    first_name: str
    function: str = "ENS"
    sex: str = "2"
    civility: str = "2"
    birth_date: date = date(1980, 5, 17)
    grade: str = "CERTIFIE"
    disciplines: tuple[str, ...] = ()
    main_teacher_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SampleService:
    """A subject taught to a division or group by some teachers."""

    subject_code: str
    teacher_ids: tuple[str, ...]
    course_mode: str = "CG"


@dataclass(frozen=True, slots=True)
class SampleDivision:
    """A division of a fictitious STS-web export."""

    code: str
    label: str
    mef_code: str
    services: tuple[SampleService, ...] = ()
    planned_size: int = 25


@dataclass(frozen=True, slots=True)
class SampleGroup:
    """A group of a fictitious STS-web export."""

    code: str
    label: str
    division_codes: tuple[str, ...]
    services: tuple[SampleService, ...] = ()


def _sub(parent: Any, tag: str, text: object | None = None, **attributes: str) -> Any:
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text.strftime("%d/%m/%Y") if isinstance(text, date) else str(text)
    return element


def siecle_xml(
    students: Iterable[SampleStudent],
    *,
    uai: str = "0999999F",
    school_year: int = 2026,
    export_date: date = date(2026, 9, 15),
    encoding: str = "ISO-8859-15",
) -> bytes:
    """A fictitious ``ElevesSansAdresses.xml`` (root ``BEE_ELEVES``) in ``encoding``."""
    students = list(students)
    root = etree.Element("BEE_ELEVES", VERSION="3.7")
    params = _sub(root, "PARAMETRES")
    _sub(params, "UAJ", uai)
    _sub(params, "ANNEE_SCOLAIRE", school_year)
    _sub(params, "DATE_EXPORT", export_date)
    _sub(params, "HORODATAGE", f"{export_date:%d/%m/%Y} 08:00:00")
    data = _sub(root, "DONNEES")
    eleves = _sub(data, "ELEVES")
    for student in students:
        eleve = _sub(
            eleves,
            "ELEVE",
            ELEVE_ID=student.eleve_id,
            ELENOET=student.elenoet or student.eleve_id,
        )
        if student.ine:
            _sub(eleve, "ID_NATIONAL", student.ine)
        _sub(eleve, "NOM_DE_FAMILLE", student.last_name)
        if student.usage_name:
            _sub(eleve, "NOM_USAGE", student.usage_name)
        _sub(eleve, "PRENOM", student.first_name)
        _sub(eleve, "DATE_NAISS", student.birth_date)
        _sub(eleve, "CODE_SEXE", student.sex)
        _sub(eleve, "CODE_PAYS", "100")
        _sub(eleve, "VILLE_NAISS", "VILLENEUVE")
        _sub(eleve, "CODE_MEF", student.mef_code)
        _sub(eleve, "CODE_STATUT", "ST")
        _sub(eleve, "CODE_REGIME", "2")
        _sub(eleve, "DOUBLEMENT", "N")
        if student.entry_date:
            _sub(eleve, "DATE_ENTREE", student.entry_date)
        if student.exit_date:
            _sub(eleve, "DATE_SORTIE", student.exit_date)
            _sub(eleve, "CODE_MOTIF_SORTIE", "1")
        if student.email:
            _sub(eleve, "MEL", student.email)
        previous = _sub(eleve, "SCOLARITE_AN_DERNIER")
        _sub(previous, "CODE_STRUCTURE", "AUTRE")
        _sub(previous, "CODE_RNE", "0999998Y")
        _sub(previous, "DENOM_PRINC", "COLLEGE")
    options = _sub(data, "OPTIONS")
    for student in students:
        if not student.options:
            continue
        holder = _sub(options, "OPTION", ELEVE_ID=student.eleve_id, ELENOET=student.eleve_id)
        for rank, (subject, modality) in enumerate(student.options, start=1):
            item = _sub(holder, "OPTIONS_ELEVE")
            _sub(item, "NUM_OPTION", rank)
            _sub(item, "CODE_MODALITE_ELECT", modality)
            _sub(item, "CODE_MATIERE", subject)
    structures = _sub(data, "STRUCTURES")
    for student in students:
        if student.division is None and not student.groups:
            continue
        holder = _sub(structures, "STRUCTURES_ELEVE", ELEVE_ID=student.eleve_id)
        kinds = [(student.division, "D")] if student.division else []
        for code, kind in [*kinds, *((group, "G") for group in student.groups)]:
            structure = _sub(holder, "STRUCTURE")
            _sub(structure, "CODE_STRUCTURE", code)
            _sub(structure, "TYPE_STRUCTURE", kind)
    return bytes(etree.tostring(root, encoding=encoding, xml_declaration=True, pretty_print=True))


def zipped(content: bytes, member: str = "ElevesSansAdresses.xml") -> bytes:
    """``content`` inside a zip archive, as SIECLE delivers its exports."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, content)
    return buffer.getvalue()


def nomenclature_xml(
    mefs: Mapping[str, str],
    subjects: Mapping[str, str],
    programmes: Iterable[tuple[str, str, str]] = (),
    *,
    encoding: str = "ISO-8859-15",
    uai: str | None = None,
    school_year: int | None = None,
) -> bytes:
    """A fictitious ``Nomenclature.xml``: MEF code → label, subject code → label, and
    programmes as (MEF code, subject code, weekly hours). ``uai`` and ``school_year`` add the
    ``PARAMETRES`` SIECLE writes (left out by default)."""
    root = etree.Element("BEE_NOMENCLATURES", VERSION="1.1")
    if uai is not None or school_year is not None:
        params = _sub(root, "PARAMETRES")
        if uai is not None:
            _sub(params, "UAJ", uai)
        if school_year is not None:
            _sub(params, "ANNEE_SCOLAIRE", school_year)
    data = _sub(root, "DONNEES")
    mef_list = _sub(data, "MEFS")
    for code, label in mefs.items():
        mef = _sub(mef_list, "MEF", CODE_MEF=code)
        _sub(mef, "FORMATION", label.upper()[:20])
        _sub(mef, "LIBELLE_LONG", label.upper())
        _sub(mef, "LIBELLE_EDITION", label)
        _sub(mef, "MEF_RATTACHEMENT", code)
    subject_list = _sub(data, "MATIERES")
    for code, label in subjects.items():
        subject = _sub(subject_list, "MATIERE", CODE_MATIERE=code)
        _sub(subject, "CODE_GESTION", label.split()[0][:5])
        _sub(subject, "LIBELLE_COURT", label[:20])
        _sub(subject, "LIBELLE_LONG", label)
        _sub(subject, "LIBELLE_EDITION", label.capitalize())
    programme_list = _sub(data, "PROGRAMMES")
    for mef_code, subject_code, hours in programmes:
        programme = _sub(programme_list, "PROGRAMME")
        _sub(programme, "CODE_MEF", mef_code)
        _sub(programme, "CODE_MATIERE", subject_code)
        _sub(programme, "CODE_MODALITE_ELECT", "S")
        _sub(programme, "HORAIRE", hours)
    return bytes(etree.tostring(root, encoding=encoding, xml_declaration=True, pretty_print=True))


def _services(parent: Any, services: Sequence[SampleService]) -> None:
    holder = _sub(parent, "SERVICES")
    for service in services:
        element = _sub(
            holder,
            "SERVICE",
            CODE_MATIERE=service.subject_code,
            CODE_MOD_COURS=service.course_mode,
        )
        teachers = _sub(element, "ENSEIGNANTS")
        for teacher_id in service.teacher_ids:
            _sub(teachers, "ENSEIGNANT", ID=teacher_id, TYPE="epp")


def sts_xml(
    staff: Iterable[SampleStaff],
    divisions: Iterable[SampleDivision],
    groups: Iterable[SampleGroup] = (),
    subjects: Mapping[str, str] = SUBJECTS,
    *,
    uai: str = "0999999F",
    school_year: int = 2026,
    encoding: str = "ISO-8859-1",
    timetabling_product: str | None = None,
    root_name: str = "STS_EDT",
) -> bytes:
    """A fictitious ``sts_emp_<UAI>_<year>.xml``.

    ``timetabling_product`` adds ``PARAMETRES/APPLICATION_SOURCE`` and ``root_name="EDT_STS"``
    changes the root, as files written by timetabling products do.
    """
    root = etree.Element(root_name)
    params = _sub(root, "PARAMETRES")
    _sub(params, "UAJ", CODE=uai)
    _sub(params, "ANNEE_SCOLAIRE", ANNEE=str(school_year))
    if timetabling_product:
        _sub(params, "APPLICATION_SOURCE", timetabling_product)
    nomenclatures = _sub(root, "NOMENCLATURES")
    subject_list = _sub(nomenclatures, "MATIERES")
    for code, label in subjects.items():
        subject = _sub(subject_list, "MATIERE", CODE=code)
        _sub(subject, "CODE_GESTION", label.split()[0][:5])
        _sub(subject, "LIBELLE_COURT", label[:20])
        _sub(subject, "LIBELLE_LONG", label)
        _sub(subject, "LIBELLE_EDITION", label.capitalize())
    data = _sub(root, "DONNEES")
    people = _sub(data, "INDIVIDUS")
    for person in staff:
        individual = _sub(people, "INDIVIDU", ID=person.id, TYPE="epp")
        _sub(individual, "SEXE", person.sex)
        _sub(individual, "CIVILITE", person.civility)
        _sub(individual, "NOM_USAGE", person.last_name)
        _sub(individual, "NOM_PATRONYMIQUE", person.last_name)
        _sub(individual, "PRENOM", person.first_name)
        _sub(individual, "DATE_NAISSANCE", person.birth_date.isoformat())
        _sub(individual, "GRADE", person.grade)
        _sub(individual, "FONCTION", person.function)
        if person.main_teacher_of:
            duties = _sub(individual, "PROFS_PRINC")
            for code in person.main_teacher_of:
                duty = _sub(duties, "PROF_PRINC")
                _sub(duty, "CODE_STRUCTURE", code)
                _sub(duty, "DATE_FIN", f"{school_year + 1}-08-31")
        if person.disciplines:
            specialisms = _sub(individual, "DISCIPLINES")
            for code in person.disciplines:
                discipline = _sub(specialisms, "DISCIPLINE", CODE=code)
                _sub(discipline, "LIBELLE_COURT", subjects.get(code, code)[:20])
    structure = _sub(data, "STRUCTURE")
    division_list = _sub(structure, "DIVISIONS")
    for division in divisions:
        element = _sub(division_list, "DIVISION", CODE=division.code)
        _sub(element, "LIBELLE_LONG", division.label)
        _sub(element, "EFFECTIF_PREVU", division.planned_size)
        mefs = _sub(element, "MEFS_APPARTENANCE")
        _sub(mefs, "MEF_APPARTENANCE", CODE=division.mef_code)
        _services(element, division.services)
    group_list = _sub(structure, "GROUPES")
    for group in groups:
        element = _sub(group_list, "GROUPE", CODE=group.code)
        _sub(element, "LIBELLE_LONG", group.label)
        members = _sub(element, "DIVISIONS_APPARTENANCE")
        for code in group.division_codes:
            _sub(members, "DIVISION_APPARTENANCE", CODE=code)
        _services(element, group.services)
    return bytes(etree.tostring(root, encoding=encoding, xml_declaration=True, pretty_print=True))


# ============================================================================= a whole school

_FIRST_NAMES = (
    "Élodie", "Bérénice", "Zoé", "Anaïs", "Chloé", "Maëlys", "Inès", "Léa", "Noémie", "Hélène",
    "Jérôme", "François", "Loïc", "Noël", "Théo", "Mathéo", "Raphaël", "Joël", "Gaël", "Aurélien",
    "Yanis", "Nassim", "Aïcha", "Fatoumata", "Océane", "Célia", "Rémi", "Benoît", "Cédric", "Irène",
)  # fmt: skip
_LAST_NAMES = (
    "Lefèvre", "Dupré", "Mercier", "Béranger", "Gauthier", "Leroux", "Fabre", "Chevalier",
    "Rivière", "Lemaître", "Besançon", "Vérité", "Dubœuf", "Kergoat", "Ménard", "Perrin",
    "Boyer", "Garnier", "Noël", "Barthélemy", "Écuyer", "Poirier", "Hébert", "Daoudi",
    "N'Diaye", "Le Gall", "Da Silva", "Morin", "Aubert", "Brémond",
)  # fmt: skip

# Level key, division prefix, share of students.
_LEVEL_MIX = (
    ("6e", "6", 0.12),
    ("5e", "5", 0.12),
    ("4e", "4", 0.12),
    ("3e", "3", 0.12),
    ("3e-pm", "3PM", 0.04),
    ("cap2-1", "1CAP", 0.08),
    ("cap2-2", "2CAP", 0.08),
    ("bacpro-1", "2PRO", 0.11),
    ("bacpro-2", "1PRO", 0.11),
    ("bacpro-3", "TPRO", 0.10),
)


@dataclass(slots=True)
class SampleSchool:
    """A whole fictitious school: its students, staff, divisions and groups."""

    uai: str
    school_year: int
    students: list[SampleStudent] = field(default_factory=list)
    staff: list[SampleStaff] = field(default_factory=list)
    divisions: list[SampleDivision] = field(default_factory=list)
    groups: list[SampleGroup] = field(default_factory=list)

    def siecle_zip(self) -> bytes:
        """``ExportXML_ElevesSansAdresses.zip`` content (ISO-8859-15 inside)."""
        return zipped(siecle_xml(self.students, uai=self.uai, school_year=self.school_year))

    def sts(self) -> bytes:
        """``sts_emp_<UAI>_<year>.xml`` content."""
        return sts_xml(
            self.staff, self.divisions, self.groups, uai=self.uai, school_year=self.school_year
        )

    @property
    def sts_file_name(self) -> str:
        """The name STS-web gives the file."""
        return f"sts_emp_{self.uai}_{self.school_year}.xml"


def _invent_teachers(
    rng: random.Random, count: int
) -> tuple[list[SampleStaff], dict[str, list[str]]]:
    """``count`` teachers spread over the subjects, and their ids by subject."""
    staff: list[SampleStaff] = []
    teachers_by_subject: dict[str, list[str]] = {code: [] for code in SUBJECTS}
    for number in range(count):
        subject = list(SUBJECTS)[number % len(SUBJECTS)]
        person_id = str(40_000 + number)
        teachers_by_subject[subject].append(person_id)
        staff.append(
            SampleStaff(
                id=person_id,
                last_name=rng.choice(_LAST_NAMES).upper(),
                first_name=rng.choice(_FIRST_NAMES),
                sex=rng.choice("12"),
                civility=rng.choice("12"),
                disciplines=(f"L{subject[:4]}",),
            )
        )
    return staff, teachers_by_subject


def _invent_student(
    rng: random.Random,
    eleve_id: int,
    level: str,
    school_year: int,
    division: str | None,
    group: str,
    exit_date: date | None,
) -> SampleStudent:
    """One student of ``level`` (random names, INE and birth date drawn in a fixed order)."""
    return SampleStudent(
        eleve_id=str(eleve_id),
        elenoet=str(eleve_id - 90_000),
        ine=f"{eleve_id:09d}{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}",
        last_name=rng.choice(_LAST_NAMES).upper(),
        first_name=rng.choice(_FIRST_NAMES),
        division=division,
        mef_code=MEF_CODES[level],
        birth_date=date(
            school_year - 11 - _LEVEL_AGE[level], rng.randint(1, 12), rng.randint(1, 28)
        ),
        sex=rng.choice("12"),
        groups=(group,) if division else (),
        exit_date=exit_date,
        options=(("030201", "S"),),
    )


def fictitious_school(
    students: int = 1500,
    *,
    seed: int = 0,
    uai: str = "0999999F",
    school_year: int = 2026,
    division_size: int = 25,
) -> SampleSchool:
    """Invent a school of about ``students`` students across collège and vocational levels.

    About 2 % of students have left (``DATE_SORTIE``) and a few sit in the ``Inactifs``
    pseudo-division. Each division has a professeur principal and a few services; each
    level has AP groups spanning its divisions. Deterministic for a given ``seed``.
    """
    rng = random.Random(seed)
    school = SampleSchool(uai=uai, school_year=school_year)
    school.staff, teachers_by_subject = _invent_teachers(rng, max(len(SUBJECTS), students // 12))
    main_teachers: dict[str, list[str]] = {}
    eleve_id = 100_000
    for level, prefix, share in _LEVEL_MIX:
        count = round(students * share)
        division_count = max(1, round(count / division_size))
        codes = [f"{prefix}{chr(ord('A') + index)}" for index in range(division_count)]
        ap_groups = [f"{prefix}_AP{index + 1}" for index in range(division_count)]
        for code in codes:
            services = tuple(
                SampleService(subject, (rng.choice(teachers),))
                for subject, teachers in teachers_by_subject.items()
                if teachers and subject != "990100"
            )
            school.divisions.append(
                SampleDivision(code, f"{code} ({level})", MEF_CODES[level], services, division_size)
            )
            main_teachers.setdefault(rng.choice(teachers_by_subject["020700"]), []).append(code)
        for group in ap_groups:
            school.groups.append(
                SampleGroup(
                    group,
                    f"AP {group}",
                    tuple(codes),
                    (SampleService("990100", (rng.choice(teachers_by_subject["990100"]),)),),
                )
            )
        for index in range(count):
            eleve_id += 1
            draw = rng.random()
            exit_date = date(school_year, 10, rng.randint(1, 28)) if draw < 0.02 else None
            division: str | None = codes[index % division_count]
            if 0.02 <= draw < 0.025:
                division = "Inactifs"
            group = ap_groups[index % division_count]
            school.students.append(
                _invent_student(rng, eleve_id, level, school_year, division, group, exit_date)
            )
    school.staff = [
        replace(person, main_teacher_of=tuple(main_teachers.get(person.id, ())))
        for person in school.staff
    ]
    school.staff.append(SampleStaff("39999", "PRINCIPALE", "Irène", function="DIR", grade="PERDIR"))
    school.staff.append(
        SampleStaff(
            "39998", "CONSEILLER", "Rémi", function="EDU", sex="1", civility="1", grade="CPE"
        )
    )
    return school


_LEVEL_AGE = {
    "6e": 0,
    "5e": 1,
    "4e": 2,
    "3e": 3,
    "3e-pm": 3,
    "cap2-1": 4,
    "cap2-2": 5,
    "bacpro-1": 4,
    "bacpro-2": 5,
    "bacpro-3": 6,
}
