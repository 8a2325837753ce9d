"""What the LSU schema requires that an export lacks: :func:`lsu_gaps`, in French.

Gaps are listed *before* exporting so the user sees what is missing; nothing is ever
invented to fill them.
"""

from __future__ import annotations

from .records import (
    LsuAp,
    LsuApGroup,
    LsuDiscipline,
    LsuExport,
    LsuGap,
    LsuReport,
    LsuStudent,
    LsuTeacher,
)
from .schema import clean_text, is_blank

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
#: Said of what the schema requires but appui does not manage.
_OUTSIDE = " (non géré par appui : à fournir)"


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
        if is_blank(value):
            if required:
                self.add(subject, f"{what} manque{note}.")
            return
        assert value is not None
        length = len(clean_text(value))
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
    """One report: dates, signatory, main teachers, assessments, advice, attendance, APs."""
    if report.council_date is None:
        check.add(who, f"la date du conseil de classe manque{_OUTSIDE}.")
    if report.schooling_start is None:
        check.add(who, f"la date de début de scolarité dans la période manque{_OUTSIDE}.")
    if report.lock_time is None:
        check.add(who, f"la date de verrouillage du bilan manque{_OUTSIDE}.")
    if report.manager is None:
        check.add(who, "le responsable d'établissement qui signe le bilan manque.")
    elif report.manager not in export.managers:
        check.add(who, f"le responsable « {report.manager} » n'est pas dans la liste.")
    for teacher_id in report.main_teacher_ids:
        if teacher_id not in teachers:
            check.add(who, f"le professeur principal {teacher_id} n'est pas dans la liste.")
    _check_assessments(check, who, report, disciplines, teachers)
    check.text(
        who,
        "le texte « acquis et conseils pour progresser »",
        report.advice,
        1000,
        required=True,
        note=_OUTSIDE,
    )
    life = report.school_life
    if life is None:
        check.add(who, f"la vie scolaire (retards, absences) manque{_OUTSIDE}.")
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


def _check_assessments(
    check: _Checker,
    who: str,
    report: LsuReport,
    disciplines: dict[str, LsuDiscipline],
    teachers: dict[str, LsuTeacher],
) -> None:
    """The report's subject assessments (outside appui): at least one, each once, known
    discipline and teachers, appreciation, positioning and averages within bounds."""
    if not report.assessments:
        check.add(
            who,
            "aucune discipline évaluée : LSU exige au moins un acquis disciplinaire avec son "
            f"enseignant{_OUTSIDE}.",
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
