"""The vocabulary of need profiles: campaign kinds, signals, projects, kinds and levels of
need, and where evidence comes from. Values are stored by the Django models; French labels are
used in sentences."""

from __future__ import annotations

from enum import IntEnum, StrEnum

StudentId = int | str
Ref = int | str


def _order(key: Ref | None) -> tuple[int, int, str]:
    """Sort key mixing ints and strs deterministically (ints first, then strs, None last)."""
    if key is None:
        return (2, 0, "")
    if isinstance(key, int):
        return (0, key, "")
    return (1, 0, key)


class CampaignKind(StrEnum):
    """What kind of diagnostic produced a result (issue 3, item 2)."""

    SEPTEMBER_REVIEW = "september_review"
    POSITIONING_TEST = "positioning_test"
    PERIOD_REVIEW = "period_review"
    OTHER = "other"

    @property
    def label(self) -> str:
        """French label, lower case, to be used inside a sentence."""
        return _CAMPAIGN_LABELS[self]


_CAMPAIGN_LABELS = {
    CampaignKind.SEPTEMBER_REVIEW: "bilan de rentrée",
    CampaignKind.POSITIONING_TEST: "test de positionnement",
    CampaignKind.PERIOD_REVIEW: "re-diagnostic de fin de période",
    CampaignKind.OTHER: "évaluation diagnostique",
}


class Signal(StrEnum):
    """What a teacher's observation says about a competency."""

    DIFFICULTY = "difficulty"
    STRENGTH = "strength"

    @property
    def label(self) -> str:
        """French label."""
        return {Signal.DIFFICULTY: "difficulté", Signal.STRENGTH: "point fort"}[self]

    @property
    def observed(self) -> str:
        """``Difficulté observée`` / ``Point fort observé``."""
        return {
            Signal.DIFFICULTY: "Difficulté observée",
            Signal.STRENGTH: "Point fort observé",
        }[self]


class Project(StrEnum):
    """The student's project as recorded at the interview (DESIGN glossary, « entretien »)."""

    INSERTION = "insertion"
    FURTHER_STUDIES = "further_studies"
    BRIDGE = "bridge"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        """French label."""
        return _PROJECT_LABELS[self]


_PROJECT_LABELS = {
    Project.INSERTION: "insertion professionnelle",
    Project.FURTHER_STUDIES: "poursuite d'études",
    Project.BRIDGE: "passerelle vers une autre formation",
    Project.UNDECIDED: "projet non encore défini",
}

AMBITIOUS_PROJECTS = frozenset({Project.FURTHER_STUDIES, Project.BRIDGE})
"""Projects that call for deepening disciplinary competencies (seed 003, § 1 « L'enjeu »)."""


class NeedKind(StrEnum):
    """What the need calls for; matches the module kinds of the catalogue."""

    REMEDIATION = "remediation"
    ORIENTATION = "orientation"
    DEEPENING = "deepening"

    @property
    def label(self) -> str:
        """French label."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    NeedKind.REMEDIATION: "soutien / remédiation",
    NeedKind.ORIENTATION: "orientation / projet",
    NeedKind.DEEPENING: "approfondissement",
}
_KIND_ORDER = {NeedKind.REMEDIATION: 0, NeedKind.ORIENTATION: 1, NeedKind.DEEPENING: 2}


class NeedLevel(IntEnum):
    """Intensity of a need, 0 (none) to 3 (strong)."""

    NONE = 0
    LIGHT = 1
    MARKED = 2
    STRONG = 3

    @property
    def label(self) -> str:
        """French label."""
        return ("aucun", "léger", "marqué", "fort")[self]


def _clamp(value: int) -> NeedLevel:
    return NeedLevel(max(0, min(3, value)))


class EvidenceSource(StrEnum):
    """Where a piece of evidence comes from."""

    RESULT = "result"
    OBSERVATION = "observation"
    INTERVIEW = "interview"


class EvidenceRole(StrEnum):
    """What a piece of evidence did in the computation."""

    LATEST = "latest"  # R1: result of the most recent date, sets the level
    PREVIOUS = "previous"  # R2: result of the date before, may keep one step
    CONFIRMS = "confirms"  # R3/R4: difficulty observed since the last result
    ATTENUATES = "attenuates"  # R3/R4: strength observed since the last result
    PROJECT = "project"  # R5/R6: the interview's project
    WISH = "wish"  # R5/R6: the student asked to deepen / work on it
    HISTORY = "history"  # shown for the record, not used
    CONTEXT = "context"  # about the student overall, not one competency

    @property
    def counted(self) -> bool:
        """Whether evidence with this role changed or set the level."""
        return self not in (EvidenceRole.HISTORY, EvidenceRole.CONTEXT)
