"""The plain records the indicators are computed from (built by the Django apps)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from appui.core.indicators.shares import Ref, Share, StudentId


@dataclass(frozen=True)
class PeriodSpan:
    """An AP period: between two diagnoses (seed 004)."""

    id: Ref
    label: str
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside the period (both ends included)."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class StudentPlace:
    """Where a present student is: their level and division."""

    student: StudentId
    level: Ref
    division: Ref


@dataclass(frozen=True)
class GroupRecord:
    """A need group of a published plan: its period, level, module, kind, staff and members."""

    id: Ref
    period: Ref
    level: Ref
    module: Ref
    kind: str
    students: frozenset[StudentId] = frozenset()
    staff: frozenset[Ref] = frozenset()
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "students", frozenset(self.students))
        object.__setattr__(self, "staff", frozenset(self.staff))


@dataclass(frozen=True)
class CoverageRecord:
    """How well one published plan served top needs: ``students`` placed, ``share`` served."""

    period: Ref
    level: Ref
    students: int
    share: Decimal | None


@dataclass(frozen=True)
class DiagnosisResult:
    """An assessed diagnostic result on the LSU scale (1–4), dated by its campaign."""

    student: StudentId
    competency: str
    date: dt.date
    value: int


@dataclass(frozen=True)
class MarkRecord:
    """A progress mark on one objective (LSU scale 1–4), as the follow-up records it."""

    student: StudentId
    objective: Ref
    date: dt.date
    value: int


@dataclass(frozen=True)
class OutcomeRecord:
    """End-of-year outcomes of one level (entered by the school).

    ``leavers`` are the students finishing their cycle who left the school; ``further_studies``
    those of them who went on studying.
    """

    unit: Ref
    enrolled: int = 0
    repeating: int = 0
    candidates: int = 0
    passed: int = 0
    leavers: int = 0
    further_studies: int = 0


@dataclass(frozen=True)
class MilestoneRecord:
    """A dated milestone of the steering calendar (échéancier); ``done_on`` when done."""

    id: Ref
    due: dt.date
    done_on: dt.date | None = None


@dataclass(frozen=True)
class SurveyRecord:
    """A published survey: how many answered it and its satisfied answers."""

    respondents: int
    satisfied: Share


@dataclass(frozen=True)
class TrainingRecord:
    """A staff training action of the year: its status (planned, done, cancelled) and the
    staff registered (planned) or who took part (done)."""

    id: Ref
    status: str
    participants: frozenset[Ref] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "participants", frozenset(self.participants))


@dataclass(frozen=True)
class MeetingRecord:
    """A dated meeting of one of the school's instances (its kind: CA, conseil pédagogique…)."""

    id: Ref
    kind: str
    date: dt.date
