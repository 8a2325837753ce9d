"""Hour accounting: official volumes, hours planned and delivered, warnings, staff hours.

Unit: every duration is an ``int`` number of **minutes**. Minutes are exact (101.5 h is
6,090 min, a 55-minute session is 55), add without rounding, and compare exactly, which the
"same hours for every student" check needs. Hours appear only at the edges:
:func:`minutes_to_hours` gives a :class:`~decimal.Decimal` (two decimals) for service sheets and exports,
:func:`format_minutes` a French text (``101 h 30``), and :func:`hours_to_minutes` reads a
volume typed in hours (``"101,5"``).

Rules and where they come from (written for coordinators in ``docs/heures.md``):

* The three strands — consolidation des acquis, accompagnement personnalisé, aide à
  l'orientation — share one yearly volume per level: CAP 101.5 h then 91 h, Bac Pro 90 h, 84 h,
  91 h (seed 000, « Les trois volets du dispositif d'accompagnement »). The texts give one
  volume for the three strands; how it is split is the school's choice (seed 001, « Mise en
  œuvre en classe de CAP »: « Comment le volume horaire des trois volets est-il réparti ; selon
  quelles stratégies, quelles disciplines ? »), so a split is optional. Volumes are editable
  per level and year (the 2024 reform changed them); collège levels have no national default
  and take the school's volume.
* « tous les élèves d'un même niveau de classe bénéficient du même nombre d'heures
  d'accompagnement personnalisé » (seed 004, « La coordination et l'organisation par
  niveau »): a warning when planned hours differ within a level.
* The due volume must be reachable by the end of the year: a warning when hours delivered so
  far plus every remaining slot week cannot reach it.
* « tous les enseignants peuvent assurer l'accompagnement personnalisé. Il sera alors inscrit
  dans leur service hebdomadaire » (seed 004, same section): staff hours per strand for the
  service sheet; with co-animation each teacher present counts the full session.

Definitions, for a student and a session the student is a member of:

* planned — the session is not cancelled (held, or still to come);
* delivered — the session was held (and, with ``as_of``, dated on or before it);
* attended — delivered and the student was present or late;
* missed — delivered and not attended (absent, excused or not recorded);
* cancelled — the session was cancelled (hours to make up).

Plain Python: this module never imports Django.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from appui.core.text import plural

__all__ = [
    "BAC_PRO_1RE",
    "BAC_PRO_2NDE",
    "BAC_PRO_TLE",
    "CAP_1",
    "CAP_2",
    "OFFICIAL_VOLUMES",
    "REFERENCE_BAC_PRO",
    "REFERENCE_CAP",
    "Attendance",
    "ByStrand",
    "DivisionHours",
    "HourVolume",
    "HourWarning",
    "LevelHours",
    "LevelSummary",
    "MinuteRange",
    "SessionRecord",
    "SessionStatus",
    "StaffHours",
    "Strand",
    "StudentHours",
    "WarningCode",
    "check_equal_hours",
    "check_reachable",
    "check_unrecorded",
    "custom_volume",
    "division_hours",
    "format_minutes",
    "hours_to_minutes",
    "level_report",
    "level_summary",
    "minutes_to_hours",
    "staff_hours",
    "student_hours",
    "volume_for",
]

StudentId = int | str
Ref = int | str

SERVICE_WEEKS = 36
"""Weeks in the yearly basis used to turn annual hours into weekly service hours."""


def _order(key: Ref) -> tuple[int, int, str]:
    """Sort key mixing ints and strs deterministically (ints first)."""
    return (0, key, "") if isinstance(key, int) else (1, 0, key)


# --------------------------------------------------------------------------- units


def hours_to_minutes(hours: Decimal | int | str) -> int:
    """Minutes in ``hours`` (``"101,5"`` → 6090). The result must be whole minutes.

    Raises ``ValueError`` (French message) for text that is not a number, a negative
    volume or a fraction of a minute.
    """
    text = str(hours).strip().replace(",", ".").removesuffix("h").strip()
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(
            f"Volume horaire « {hours} » non reconnu : saisir un nombre d'heures."
        ) from error
    if not value.is_finite() or value < 0:
        raise ValueError(f"Volume horaire « {hours} » invalide : il doit être positif.")
    minutes = value * 60
    if minutes != minutes.to_integral_value():
        raise ValueError(
            f"Volume horaire « {hours} » invalide : il doit tomber sur une minute entière."
        )
    return int(minutes)


def minutes_to_hours(minutes: int) -> Decimal:
    """Hours as a Decimal rounded half up to two decimals (90 → ``Decimal("1.50")``)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_minutes(minutes: int) -> str:
    """French text: ``"101 h 30"``, ``"2 h"``, ``"45 min"``, ``"-1 h 05"``, ``"0 h"``."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours} h {rest:02d}"
    if rest:
        return f"{sign}{rest} min"
    return f"{sign}{hours} h"


# --------------------------------------------------------------------------- strands


class Strand(StrEnum):
    """The three strands of the support scheme (seed 000, « Les trois volets »)."""

    CONSOLIDATION = "consolidation"
    PERSONALISED = "personalised"
    ORIENTATION = "orientation"

    @property
    def label(self) -> str:
        """French label."""
        return {
            Strand.CONSOLIDATION: "Consolidation des acquis",
            Strand.PERSONALISED: "Accompagnement personnalisé",
            Strand.ORIENTATION: "Aide à l'orientation",
        }[self]


@dataclass(frozen=True)
class ByStrand:
    """Minutes per strand."""

    consolidation: int = 0
    personalised: int = 0
    orientation: int = 0

    @property
    def total(self) -> int:
        """Minutes over the three strands."""
        return self.consolidation + self.personalised + self.orientation

    def get(self, strand: Strand) -> int:
        """Minutes of ``strand``."""
        return int(getattr(self, strand.value))

    def plus(self, strand: Strand, minutes: int) -> ByStrand:
        """A copy with ``minutes`` added to ``strand``."""
        # Called once per student and session: plain additions, no intermediate dict.
        if strand is Strand.CONSOLIDATION:
            return ByStrand(self.consolidation + minutes, self.personalised, self.orientation)
        if strand is Strand.PERSONALISED:
            return ByStrand(self.consolidation, self.personalised + minutes, self.orientation)
        return ByStrand(self.consolidation, self.personalised, self.orientation + minutes)

    def __add__(self, other: ByStrand) -> ByStrand:
        return ByStrand(
            self.consolidation + other.consolidation,
            self.personalised + other.personalised,
            self.orientation + other.orientation,
        )

    def __sub__(self, other: ByStrand) -> ByStrand:
        return ByStrand(
            self.consolidation - other.consolidation,
            self.personalised - other.personalised,
            self.orientation - other.orientation,
        )

    def as_dict(self) -> dict[str, int]:
        """``{"consolidation": …, "personalised": …, "orientation": …}``."""
        return {s.value: int(getattr(self, s.value)) for s in Strand}


# --------------------------------------------------------------------------- volumes

# Level keys are those of ``appui.core.io.mef.Level.key`` (read from SIECLE MEF codes).
CAP_1 = "cap2-1"
CAP_2 = "cap2-2"
BAC_PRO_2NDE = "bacpro-1"
BAC_PRO_1RE = "bacpro-2"
BAC_PRO_TLE = "bacpro-3"

REFERENCE_CAP = (
    "Arrêté du 21 novembre 2018 relatif à l'organisation et aux enseignements dispensés dans "
    "les formations sous statut scolaire préparant au certificat d'aptitude professionnelle, "
    "BO n°1 du 3 janvier 2019 ; note de service du 13 mars 2019, BO n°12 du 21 mars 2019"
)
REFERENCE_BAC_PRO = (
    "Arrêté du 21 novembre 2018 relatif à l'organisation et aux enseignements dispensés dans "
    "les formations sous statut scolaire préparant au baccalauréat professionnel, "
    "BO n°1 du 3 janvier 2019 ; note de service du 13 mars 2019, BO n°12 du 21 mars 2019"
)


@dataclass(frozen=True)
class HourVolume:
    """Hours due to every student of a level over a school year.

    ``split`` optionally divides the volume between the strands; when given it must add up
    to ``due_minutes``. ``official`` is false for volumes set by the school (collège, or a
    school year whose texts changed).
    """

    level: str
    label: str
    due_minutes: int
    reference: str = ""
    split: ByStrand | None = None
    official: bool = True

    def __post_init__(self) -> None:
        if self.due_minutes < 0:
            raise ValueError(f"{self.label} : le volume dû ne peut pas être négatif.")
        if self.split is not None and self.split.total != self.due_minutes:
            raise ValueError(
                f"{self.label} : la répartition entre volets ({format_minutes(self.split.total)}) "
                f"ne correspond pas au volume dû ({format_minutes(self.due_minutes)})."
            )

    @property
    def due_hours(self) -> Decimal:
        """The volume in hours."""
        return minutes_to_hours(self.due_minutes)


OFFICIAL_VOLUMES: Mapping[str, HourVolume] = {
    v.level: v
    for v in (
        HourVolume(CAP_1, "CAP 1re année", 6090, REFERENCE_CAP),
        HourVolume(CAP_2, "CAP 2e année", 5460, REFERENCE_CAP),
        HourVolume(BAC_PRO_2NDE, "2nde professionnelle", 5400, REFERENCE_BAC_PRO),
        HourVolume(BAC_PRO_1RE, "1re professionnelle", 5040, REFERENCE_BAC_PRO),
        HourVolume(BAC_PRO_TLE, "Terminale professionnelle", 5460, REFERENCE_BAC_PRO),
    )
}
"""Defaults of the 2019 reform (seed 000): CAP 192.5 h per cycle, Bac Pro 265 h per cycle."""


def custom_volume(
    level: str,
    label: str,
    hours: Decimal | int | str,
    reference: str = "Volume fixé par l'établissement",
    split: ByStrand | None = None,
) -> HourVolume:
    """A volume set by the school (collège levels, CAP in one or three years, a new text)."""
    return HourVolume(level, label, hours_to_minutes(hours), reference, split, official=False)


def volume_for(level: str, overrides: Mapping[str, HourVolume] | None = None) -> HourVolume | None:
    """The school's volume for ``level`` if set in ``overrides``, else the official default."""
    if overrides and level in overrides:
        return overrides[level]
    return OFFICIAL_VOLUMES.get(level)


# --------------------------------------------------------------------------- sessions


class SessionStatus(StrEnum):
    """Where a session stands."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class Attendance(StrEnum):
    """A student's attendance at a held session."""

    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def attended(self) -> bool:
        """Whether the student was there (late counts as there)."""
        return self in (Attendance.PRESENT, Attendance.LATE)


@dataclass(frozen=True)
class SessionRecord:
    """One dated session of a group, as the accounting needs it.

    ``students`` are the group's members expected at the session; ``attendance`` may only
    name members. A rescheduled session is one record with its new date.
    """

    id: Ref
    date: dt.date
    duration_minutes: int
    group: Ref
    students: frozenset[StudentId]
    strand: Strand = Strand.PERSONALISED
    status: SessionStatus = SessionStatus.PLANNED
    attendance: Mapping[StudentId, Attendance] = field(default_factory=dict)
    staff: frozenset[Ref] = frozenset()

    def __post_init__(self) -> None:
        # Values already of the right type are kept as they are: a school's year is
        # thousands of records, read from the database with the right types.
        if type(self.students) is not frozenset:
            object.__setattr__(self, "students", frozenset(self.students))
        if type(self.staff) is not frozenset:
            object.__setattr__(self, "staff", frozenset(self.staff))
        if type(self.strand) is not Strand:
            object.__setattr__(self, "strand", Strand(self.strand))
        if type(self.status) is not SessionStatus:
            object.__setattr__(self, "status", SessionStatus(self.status))
        if all(type(v) is Attendance for v in self.attendance.values()):
            object.__setattr__(self, "attendance", dict(self.attendance))
        else:
            object.__setattr__(
                self, "attendance", {k: Attendance(v) for k, v in self.attendance.items()}
            )
        if isinstance(self.duration_minutes, bool) or self.duration_minutes <= 0:
            raise ValueError(f"Séance {self.id} : la durée doit être un nombre de minutes positif.")
        strangers = set(self.attendance) - self.students
        if strangers:
            raise ValueError(
                f"Séance {self.id} : appel saisi pour des élèves qui ne sont pas du groupe "
                f"({', '.join(sorted(map(str, strangers)))})."
            )

    def counts_as_held(self, as_of: dt.date | None) -> bool:
        """Held, and dated on or before ``as_of`` when given."""
        return self.status is SessionStatus.HELD and (as_of is None or self.date <= as_of)

    def is_unrecorded(self, as_of: dt.date | None) -> bool:
        """Still planned although dated before ``as_of``: neither held nor cancelled."""
        return self.status is SessionStatus.PLANNED and as_of is not None and self.date < as_of


def _sorted_sessions(sessions: Iterable[SessionRecord]) -> list[SessionRecord]:
    return sorted(sessions, key=lambda s: (s.date, _order(s.id)))


# --------------------------------------------------------------------------- per student


@dataclass(frozen=True)
class StudentHours:
    """One student's minutes per strand (see the module docstring for the definitions)."""

    student: StudentId
    planned: ByStrand = ByStrand()
    delivered: ByStrand = ByStrand()
    attended: ByStrand = ByStrand()
    cancelled: ByStrand = ByStrand()

    @property
    def missed(self) -> ByStrand:
        """Delivered but not attended (absent, excused, or attendance not recorded)."""
        return self.delivered - self.attended


def student_hours(
    sessions: Iterable[SessionRecord],
    *,
    students: Iterable[StudentId] = (),
    as_of: dt.date | None = None,
) -> dict[StudentId, StudentHours]:
    """Minutes per student, for every member of a session and every id in ``students``.

    ``as_of`` (usually today) limits *delivered* and *attended* to sessions dated on or before
    it; *planned* always covers the whole year. Keys are in a stable order.
    """
    # Plain counters per strand (in the order of ByStrand's fields), made ByStrand at the
    # end: a level's year is tens of thousands of student-sessions.
    planned: dict[StudentId, list[int]] = defaultdict(_zeros)
    delivered: dict[StudentId, list[int]] = defaultdict(_zeros)
    attended: dict[StudentId, list[int]] = defaultdict(_zeros)
    cancelled: dict[StudentId, list[int]] = defaultdict(_zeros)
    everyone: set[StudentId] = set(students)
    for session in _sorted_sessions(sessions):
        minutes, i = session.duration_minutes, _STRAND_INDEX[session.strand]
        everyone.update(session.students)
        if session.status is SessionStatus.CANCELLED:
            for student in session.students:
                cancelled[student][i] += minutes
            continue
        held = session.counts_as_held(as_of)
        for student in session.students:
            planned[student][i] += minutes
            if held:
                delivered[student][i] += minutes
                mark = session.attendance.get(student)
                if mark is not None and mark.attended:
                    attended[student][i] += minutes
    return {
        s: StudentHours(
            s,
            _by_strand(planned.get(s)),
            _by_strand(delivered.get(s)),
            _by_strand(attended.get(s)),
            _by_strand(cancelled.get(s)),
        )
        for s in sorted(everyone, key=_order)
    }


_STRAND_INDEX = {Strand.CONSOLIDATION: 0, Strand.PERSONALISED: 1, Strand.ORIENTATION: 2}
_NOTHING = ByStrand()


def _zeros() -> list[int]:
    return [0, 0, 0]


def _by_strand(counts: list[int] | None) -> ByStrand:
    return _NOTHING if counts is None else ByStrand(*counts)


# --------------------------------------------------------------------------- ranges, divisions


@dataclass(frozen=True)
class MinuteRange:
    """Lowest and highest minutes among some students (0–0 when there are none)."""

    low: int = 0
    high: int = 0

    @classmethod
    def of(cls, values: Iterable[int]) -> MinuteRange:
        """The range of ``values``."""
        items = list(values)
        return cls(min(items), max(items)) if items else cls()

    @property
    def equal(self) -> bool:
        """Whether everyone has the same amount."""
        return self.low == self.high

    def __str__(self) -> str:
        if self.equal:
            return format_minutes(self.low)
        return f"de {format_minutes(self.low)} à {format_minutes(self.high)}"


@dataclass(frozen=True)
class DivisionHours:
    """A division's hours: ranges over its students, totals per strand, attendance."""

    division: Ref
    students: tuple[StudentId, ...]
    planned: MinuteRange
    delivered: MinuteRange
    attended: MinuteRange
    planned_by_strand: Mapping[Strand, MinuteRange]
    delivered_by_strand: Mapping[Strand, MinuteRange]
    attendance_rate: Decimal | None
    """Attended over delivered student-minutes, 0–1 with three decimals; None before any."""


def _rate(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def division_hours(
    per_student: Mapping[StudentId, StudentHours], divisions: Mapping[StudentId, Ref]
) -> dict[Ref, DivisionHours]:
    """Group :func:`student_hours` by division; students without a division are left out."""
    members: dict[Ref, list[StudentHours]] = defaultdict(list)
    for student, hours in per_student.items():
        if student in divisions:
            members[divisions[student]].append(hours)
    result: dict[Ref, DivisionHours] = {}
    for division in sorted(members, key=_order):
        rows = sorted(members[division], key=lambda h: _order(h.student))
        result[division] = DivisionHours(
            division=division,
            students=tuple(h.student for h in rows),
            planned=MinuteRange.of(h.planned.total for h in rows),
            delivered=MinuteRange.of(h.delivered.total for h in rows),
            attended=MinuteRange.of(h.attended.total for h in rows),
            planned_by_strand={s: MinuteRange.of(h.planned.get(s) for h in rows) for s in Strand},
            delivered_by_strand={
                s: MinuteRange.of(h.delivered.get(s) for h in rows) for s in Strand
            },
            attendance_rate=_rate(
                sum(h.attended.total for h in rows), sum(h.delivered.total for h in rows)
            ),
        )
    return result


# --------------------------------------------------------------------------- warnings


class WarningCode(StrEnum):
    """Kinds of warning on a level's hours."""

    UNEQUAL = "unequal"
    UNREACHABLE = "unreachable"
    ABOVE_DUE = "above_due"
    UNRECORDED = "unrecorded"


@dataclass(frozen=True)
class HourWarning:
    """A French warning, with the students or sessions it is about."""

    code: WarningCode
    message: str
    students: tuple[StudentId, ...] = ()
    sessions: tuple[Ref, ...] = ()


def _students(count: int) -> str:
    return f"{count} élève" if count == 1 else f"{count} élèves"


def check_equal_hours(
    label: str,
    per_student: Mapping[StudentId, StudentHours],
    *,
    tolerance_minutes: int = 0,
) -> list[HourWarning]:
    """Warn when the students of one level do not all have the same planned hours.

    Seed 004 (« La coordination et l'organisation par niveau »): « tous les élèves d'un même
    niveau de classe bénéficient du même nombre d'heures d'accompagnement personnalisé ».
    Only the total over the three strands is compared. The warning lists the students below
    the highest amount.
    """
    spread = MinuteRange.of(h.planned.total for h in per_student.values())
    if spread.high - spread.low <= tolerance_minutes:
        return []
    below = tuple(
        s for s in sorted(per_student, key=_order) if per_student[s].planned.total < spread.high
    )
    return [
        HourWarning(
            WarningCode.UNEQUAL,
            f"{label} : les élèves n'auront pas tous le même nombre d'heures "
            f"({spread}) ; {_students(len(below))} en dessous de "
            f"{format_minutes(spread.high)}. Tous les élèves d'un même niveau doivent "
            "bénéficier du même nombre d'heures.",
            students=below,
        )
    ]


def check_reachable(
    volume: HourVolume,
    per_student: Mapping[StudentId, StudentHours],
    *,
    remaining_weeks: int,
    weekly_slot_minutes: int,
) -> list[HourWarning]:
    """Warn when the due volume cannot be reached by the end of the year, or is exceeded.

    The best any student can reach is what was delivered to them so far plus every
    remaining week's slot time (``remaining_weeks`` teaching weeks left, holidays excluded,
    times ``weekly_slot_minutes`` of barrettes per week for the level). The warning lists the
    students who would fall short. Planned hours above the due volume give a second warning.
    """
    warnings: list[HourWarning] = []
    capacity = max(0, remaining_weeks) * max(0, weekly_slot_minutes)
    short = {
        s: h.delivered.total + capacity
        for s, h in per_student.items()
        if h.delivered.total + capacity < volume.due_minutes
    }
    if short:
        worst = min(short.values())
        warnings.append(
            HourWarning(
                WarningCode.UNREACHABLE,
                f"{volume.label} : au rythme des barrettes ({format_minutes(weekly_slot_minutes)} "
                f"par semaine, {plural(remaining_weeks, 'semaine restante', 'semaines restantes')}"
                "), le volume dû "
                f"({format_minutes(volume.due_minutes)}) ne sera pas atteint pour "
                f"{_students(len(short))} : au mieux {format_minutes(worst)}, "
                f"il manquera {format_minutes(volume.due_minutes - worst)}.",
                students=tuple(sorted(short, key=_order)),
            )
        )
    above = tuple(
        s
        for s in sorted(per_student, key=_order)
        if per_student[s].planned.total > volume.due_minutes
    )
    if above:
        most = max(per_student[s].planned.total for s in above)
        warnings.append(
            HourWarning(
                WarningCode.ABOVE_DUE,
                f"{volume.label} : {_students(len(above))} ont plus d'heures prévues que le "
                f"volume dû (jusqu'à {format_minutes(most)} pour "
                f"{format_minutes(volume.due_minutes)}).",
                students=above,
            )
        )
    return warnings


def check_unrecorded(sessions: Iterable[SessionRecord], *, as_of: dt.date) -> list[HourWarning]:
    """Warn about past sessions neither held nor cancelled: their hours do not count yet."""
    late = tuple(s.id for s in _sorted_sessions(sessions) if s.is_unrecorded(as_of))
    if not late:
        return []
    n = len(late)
    return [
        HourWarning(
            WarningCode.UNRECORDED,
            (
                f"{n} séance passée ni faite ni annulée : ses heures ne sont pas comptées"
                if n == 1
                else f"{n} séances passées ni faites ni annulées : leurs heures ne sont pas"
            )
            + " comme assurées tant que la séance n'est pas renseignée.",
            sessions=late,
        )
    ]


# --------------------------------------------------------------------------- level report


@dataclass(frozen=True)
class LevelSummary:
    """A level's figures without the per-student detail: due vs planned and delivered, the
    same per strand, and the warnings (what the hours index shows for each level)."""

    volume: HourVolume
    planned: MinuteRange
    delivered: MinuteRange
    planned_by_strand: Mapping[Strand, MinuteRange]
    """Scheduled minutes of each strand (sessions not cancelled), over the checked students."""
    delivered_by_strand: Mapping[Strand, MinuteRange]
    warnings: tuple[HourWarning, ...]

    @property
    def remaining_minutes(self) -> int:
        """Due minus the smallest planned amount (what is still to plan, at least)."""
        return max(0, self.volume.due_minutes - self.planned.low)


@dataclass(frozen=True)
class LevelHours(LevelSummary):
    """Hours due vs planned and delivered for one level, with its warnings, per student
    and per division."""

    students: Mapping[StudentId, StudentHours] = field(default_factory=dict)
    divisions: Mapping[Ref, DivisionHours] = field(default_factory=dict)


def _summarise(
    volume: HourVolume,
    sessions: list[SessionRecord],
    everyone: Mapping[StudentId, StudentHours],
    roster: set[StudentId],
    *,
    as_of: dt.date | None,
    remaining_weeks: int | None,
    weekly_slot_minutes: int | None,
    tolerance_minutes: int,
) -> dict:
    """The fields of :class:`LevelSummary` from every student's hours: the one place where a
    level's ranges and warnings are worked out, for the report and for the summary."""
    checked = {s: h for s, h in everyone.items() if not roster or s in roster}
    warnings = check_equal_hours(volume.label, checked, tolerance_minutes=tolerance_minutes)
    if remaining_weeks is not None and weekly_slot_minutes is not None:
        warnings += check_reachable(
            volume,
            checked,
            remaining_weeks=remaining_weeks,
            weekly_slot_minutes=weekly_slot_minutes,
        )
    if as_of is not None:
        warnings += check_unrecorded(sessions, as_of=as_of)
    rows = checked.values()
    return {
        "volume": volume,
        "planned": MinuteRange.of(h.planned.total for h in rows),
        "delivered": MinuteRange.of(h.delivered.total for h in rows),
        "planned_by_strand": {s: MinuteRange.of(h.planned.get(s) for h in rows) for s in Strand},
        "delivered_by_strand": {
            s: MinuteRange.of(h.delivered.get(s) for h in rows) for s in Strand
        },
        "warnings": tuple(warnings),
    }


def level_report(
    volume: HourVolume,
    sessions: Iterable[SessionRecord],
    *,
    students: Iterable[StudentId] = (),
    divisions: Mapping[StudentId, Ref] | None = None,
    as_of: dt.date | None = None,
    remaining_weeks: int | None = None,
    weekly_slot_minutes: int | None = None,
    tolerance_minutes: int = 0,
) -> LevelHours:
    """Everything the coordinator's page shows for one level.

    Pass the level's sessions and its current students (``students``; when empty, the
    members found in the sessions). Students found in sessions but not in ``students``
    (e.g. who left) are counted in their division but left out of the checks. The
    reachability check runs when ``remaining_weeks`` and ``weekly_slot_minutes`` are given,
    the unrecorded-session check when ``as_of`` is.
    """
    sessions = list(sessions)
    roster = set(students)
    everyone = student_hours(sessions, students=roster, as_of=as_of)
    return LevelHours(
        **_summarise(
            volume,
            sessions,
            everyone,
            roster,
            as_of=as_of,
            remaining_weeks=remaining_weeks,
            weekly_slot_minutes=weekly_slot_minutes,
            tolerance_minutes=tolerance_minutes,
        ),
        students=everyone,
        divisions=division_hours(everyone, divisions or {}),
    )


def _by_members(sessions: list[SessionRecord], as_of: dt.date | None) -> list[SessionRecord]:
    """One record per set of members, strand and way of counting (cancelled, planned only,
    delivered by ``as_of``) with the minutes of its sessions, attendance left out: planned,
    delivered and cancelled minutes are sums per student, so they come out the same."""
    minutes: dict[tuple[frozenset[StudentId], Strand, SessionStatus], int] = defaultdict(int)
    for session in sessions:
        if session.status is SessionStatus.CANCELLED:
            status = SessionStatus.CANCELLED
        elif session.counts_as_held(as_of):
            status = SessionStatus.HELD
        else:
            status = SessionStatus.PLANNED
        minutes[(session.students, session.strand, status)] += session.duration_minutes
    return [
        SessionRecord(
            id=n,
            date=dt.date.min,
            duration_minutes=total,
            group=n,
            students=members,
            strand=strand,
            status=status,
        )
        for n, ((members, strand, status), total) in enumerate(minutes.items())
    ]


def level_summary(
    volume: HourVolume,
    sessions: Iterable[SessionRecord],
    *,
    students: Iterable[StudentId] = (),
    as_of: dt.date | None = None,
    remaining_weeks: int | None = None,
    weekly_slot_minutes: int | None = None,
    tolerance_minutes: int = 0,
) -> LevelSummary:
    """The figures of :func:`level_report` for the same arguments, without the per-student
    and per-division detail. Attendance is not read: the cost follows the number of groups
    and members, not sessions times members."""
    sessions = list(sessions)
    roster = set(students)
    everyone = student_hours(_by_members(sessions, as_of), students=roster)
    return LevelSummary(
        **_summarise(
            volume,
            sessions,
            everyone,
            roster,
            as_of=as_of,
            remaining_weeks=remaining_weeks,
            weekly_slot_minutes=weekly_slot_minutes,
            tolerance_minutes=tolerance_minutes,
        )
    )


# --------------------------------------------------------------------------- staff


@dataclass(frozen=True)
class StaffHours:
    """A staff member's AP minutes per strand, for the service sheet."""

    staff: Ref
    planned: ByStrand = ByStrand()
    delivered: ByStrand = ByStrand()
    cancelled: ByStrand = ByStrand()
    groups: tuple[Ref, ...] = ()
    sessions_delivered: int = 0

    def weekly_hours(self, weeks: int = SERVICE_WEEKS) -> Decimal:
        """Planned yearly hours spread over ``weeks`` (default 36), two decimals."""
        if weeks <= 0:
            raise ValueError("Le nombre de semaines doit être positif.")
        return (Decimal(self.planned.total) / 60 / weeks).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def staff_hours(
    sessions: Iterable[SessionRecord], *, as_of: dt.date | None = None
) -> dict[Ref, StaffHours]:
    """Minutes per staff member. With co-animation, each member counts the full session."""
    planned: dict[Ref, ByStrand] = defaultdict(ByStrand)
    delivered: dict[Ref, ByStrand] = defaultdict(ByStrand)
    cancelled: dict[Ref, ByStrand] = defaultdict(ByStrand)
    groups: dict[Ref, set[Ref]] = defaultdict(set)
    count: dict[Ref, int] = defaultdict(int)
    for session in _sorted_sessions(sessions):
        minutes, strand = session.duration_minutes, session.strand
        for member in session.staff:
            groups[member].add(session.group)
            if session.status is SessionStatus.CANCELLED:
                cancelled[member] = cancelled[member].plus(strand, minutes)
                continue
            planned[member] = planned[member].plus(strand, minutes)
            if session.counts_as_held(as_of):
                delivered[member] = delivered[member].plus(strand, minutes)
                count[member] += 1
    return {
        m: StaffHours(
            staff=m,
            planned=planned[m],
            delivered=delivered[m],
            cancelled=cancelled[m],
            groups=tuple(sorted(groups[m], key=_order)),
            sessions_delivered=count[m],
        )
        for m in sorted(groups, key=_order)
    }
