"""The LSU records: what one export holds (school, period, students, disciplines, teachers,
AP declarations and groups, periodic reports), and the gaps and errors reported about them.

Plain frozen dataclasses, filled by the caller; :mod:`.gaps` checks them and
:mod:`.building` writes them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


class LsuError(Exception):
    """The LSU file cannot be produced; ``messages`` says why, in French."""

    def __init__(self, problems: Iterable[str | LsuGap]) -> None:
        items = list(problems)
        self.gaps = [item for item in items if isinstance(item, LsuGap)]
        self.messages = [str(item) for item in items]
        super().__init__("\n".join(self.messages))


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
