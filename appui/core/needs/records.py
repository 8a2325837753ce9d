"""Input records (results, observations, interviews) and the profile computed from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from appui.core.scales import LsuLevel, NotAssessed

from .vocabulary import (
    CampaignKind,
    EvidenceRole,
    EvidenceSource,
    NeedKind,
    NeedLevel,
    Project,
    Ref,
    Signal,
    StudentId,
)


@dataclass(frozen=True)
class ResultRecord:
    """One diagnostic result: a student's level on a competency in a campaign.

    ``value`` may be given as an int 1–4; it is stored as :class:`LsuLevel`. Results marked
    :class:`NotAssessed` are accepted and ignored by the rules.
    """

    student: StudentId
    competency: str
    campaign: Ref
    campaign_date: dt.date
    campaign_kind: CampaignKind
    value: LsuLevel | NotAssessed
    campaign_label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "campaign_kind", CampaignKind(self.campaign_kind))
        if isinstance(self.value, NotAssessed):
            return
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise ValueError(f"Résultat invalide « {self.value!r} » : attendu 1 à 4.")
        if not 1 <= self.value <= 4:
            raise ValueError(f"Résultat invalide « {self.value} » : attendu 1 à 4.")
        object.__setattr__(self, "value", LsuLevel(self.value))


@dataclass(frozen=True)
class Observation:
    """A dated observation by a member of staff, on one competency or on the student overall.

    ``restricted`` marks a sensitive note (visible to head, coordinator, CPE, Psy-EN only): the
    note is carried in the evidence with the flag, never copied into a summary or reason.
    """

    student: StudentId
    date: dt.date
    signal: Signal
    author: str
    competency: str | None = None
    note: str = ""
    restricted: bool = False
    id: Ref | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "signal", Signal(self.signal))


@dataclass(frozen=True)
class Interview:
    """The student's project and aspirations from a welcome or follow-up interview.

    ``deepen`` lists competency codes the student asked to deepen (or, for orientation
    competencies, to work on); the free-text ``aspirations`` are kept for display only.
    """

    student: StudentId
    date: dt.date
    project: Project
    deepen: frozenset[str] = frozenset()
    aspirations: str = ""
    id: Ref | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "project", Project(self.project))
        object.__setattr__(self, "deepen", frozenset(self.deepen))


@dataclass(frozen=True)
class Evidence:
    """One fact behind a need, with a French one-line ``summary`` for display."""

    source: EvidenceSource
    role: EvidenceRole
    date: dt.date
    summary: str
    ref: Ref | None = None
    value: LsuLevel | None = None
    campaign_kind: CampaignKind | None = None
    signal: Signal | None = None
    author: str = ""
    note: str = ""
    restricted: bool = False


@dataclass(frozen=True)
class CompetencyNeed:
    """A student's need on one competency."""

    competency: str
    level: NeedLevel
    kind: NeedKind
    support_level: NeedLevel
    """Level from results and observations alone (rules R1–R4), before the kind is chosen."""
    priority: int | None
    """1 is the most urgent; ``None`` when ``level`` is 0."""
    evidence: tuple[Evidence, ...]
    """Newest first."""
    reason: str

    @property
    def remediation_level(self) -> NeedLevel:
        """``level`` when the kind is remediation, else 0."""
        return self.level if self.kind is NeedKind.REMEDIATION else NeedLevel.NONE


@dataclass(frozen=True)
class NeedProfile:
    """All needs of one student, most urgent first, then level-0 entries by code."""

    student: StudentId
    as_of: dt.date | None
    project: Project | None
    needs: tuple[CompetencyNeed, ...]
    general: tuple[Evidence, ...] = ()
    """Observations on no particular competency and the interview used, newest first."""
    _by_code: dict[str, CompetencyNeed] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {n.competency: n for n in self.needs})

    def need(self, code: str) -> CompetencyNeed | None:
        """The need on ``code``, or ``None`` when there is no data on it."""
        return self._by_code.get(code)

    def level(self, code: str) -> NeedLevel:
        """The need level on ``code`` (0 when there is no data)."""
        need = self._by_code.get(code)
        return need.level if need else NeedLevel.NONE

    def priorities(self) -> tuple[CompetencyNeed, ...]:
        """Needs above 0 in priority order."""
        return tuple(n for n in self.needs if n.priority is not None)
